/**
 * Test support for Courier: {@link io.courier.test.FakeClock} to move time without sleeping,
 * {@link io.courier.test.FaultInjection} to make calls slow, failing, hanging or dropped in users'
 * tests, {@link io.courier.test.ThreadCpu} to show that no thread works on after a call, and
 * {@link io.courier.test.conformance.TransportConformanceSuite}, the tests every transport must pass.
 */
module io.courier.test {
    requires transitive io.courier.core;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires java.management;

    exports io.courier.test;
    exports io.courier.test.conformance;
    // Codecs read and build the suite's records reflectively; JUnit instantiates the suite.
    opens io.courier.test.conformance;
}
