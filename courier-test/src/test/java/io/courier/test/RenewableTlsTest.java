package io.courier.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Tls;
import io.courier.internal.RenewableTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RenewableTls}: a new context for the next connection once the files change, and only then. */
class RenewableTlsTest {
    @TempDir
    Path dir;

    private static String subject(RenewableTls tls) {
        return tls.material().certificate().getSubjectX500Principal().getName();
    }

    /** Renames {@code from} over {@code to}, then moves its time a second on, as a later write would. */
    private static void replace(Path from, Path to) throws Exception {
        FileTime before = Files.getLastModifiedTime(to);
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.setLastModifiedTime(to, FileTime.from(before.toInstant().plusSeconds(1)));
    }

    @Test
    void aChangeIsReadOnceAndABrokenOneKeepsThePrevious() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("CA");
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        ca.client("first", TestCertificates.CLIENT_SPIFFE_ID).writePem(cert, key);
        RenewableTls tls = RenewableTls.of(Tls.builder().keyCertificate(cert, key).build(), "test");
        SSLContext first = tls.sslContext();

        assertThat(tls.sslContext()).as("no change: the same context").isSameAs(first);
        assertThat(subject(tls)).contains("CN=first");

        ca.client("second", TestCertificates.CLIENT_SPIFFE_ID).writePem(dir.resolve("new.crt"), dir.resolve("new.key"));
        replace(dir.resolve("new.crt"), cert); // the key of "first" beside the certificate of "second"
        try (LogCapture log = LogCapture.start()) {
            assertThat(tls.sslContext()).as("a broken change: the previous context").isSameAs(first);
            assertThat(tls.sslContext()).isSameAs(first);
            assertThat(log.lines("WARN")).as("%s", log).singleElement().asString()
                    .contains("test: TLS files").contains("cannot be used, keeping the previous certificate");
        }

        replace(dir.resolve("new.key"), key);
        SSLContext second = tls.sslContext();
        assertThat(second).isNotSameAs(first);
        assertThat(tls.sslContext()).isSameAs(second);
        assertThat(subject(tls)).contains("CN=second");
    }

    @Test
    void aZeroReloadIntervalReadsTheFilesOnce() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("CA");
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        ca.client("first", TestCertificates.CLIENT_SPIFFE_ID).writePem(cert, key);
        RenewableTls tls = RenewableTls.of(Tls.builder().keyCertificate(cert, key).reloadInterval(Duration.ZERO).build(),
                "test");
        SSLContext first = tls.sslContext();

        ca.client("second", TestCertificates.CLIENT_SPIFFE_ID).writePem(dir.resolve("new.crt"), dir.resolve("new.key"));
        replace(dir.resolve("new.key"), key);
        replace(dir.resolve("new.crt"), cert);

        assertThat(tls.sslContext()).isSameAs(first);
        assertThat(subject(tls)).contains("CN=first");
    }
}
