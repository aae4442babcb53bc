package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.http.internal.vertx.VertxTls;
import org.junit.jupiter.api.Test;

/**
 * With netty-tcnative-boringssl-static on the class path (a test dependency of this module), TLS
 * runs on OpenSSL; {@code courier-grpc}'s tests run without it, on the JDK's engine.
 */
class TlsEngineTest {
    @Test
    void openSslIsPickedWhenTcnativeIsPresent() {
        assertThat(VertxTls.engineName()).isEqualTo("openssl");
    }
}
