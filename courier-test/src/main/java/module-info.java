/**
 * Test support for Courier: {@link io.courier.test.FakeClock} to move time without sleeping,
 * {@link io.courier.test.FaultInjection} to make calls slow, failing, hanging or dropped in users'
 * tests, {@link io.courier.test.ThreadCpu} to show that no thread works on after a call,
 * {@link io.courier.test.AllocatedBytes} to show that a small input makes nothing allocate much,
 * {@link io.courier.test.HeadlessChromium} and {@link io.courier.test.HeadlessFirefox} (both
 * {@link io.courier.test.HeadlessBrowser}s) to test what a browser does with a server, and
 * {@link io.courier.test.TestCertificates} for TLS tests. The
 * transport conformance suite is in this module's test jar ({@code courier-test:tests}), as the
 * broker and discovery suites are in {@code courier-messaging:tests} and {@code courier-discovery:tests}.
 */
module io.courier.test {
    requires transitive io.courier.core;
    requires java.management;
    requires jdk.management;
    requires java.net.http;
    requires com.fasterxml.jackson.databind;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;

    exports io.courier.test;
}
