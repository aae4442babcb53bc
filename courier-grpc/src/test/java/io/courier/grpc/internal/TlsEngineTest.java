package io.courier.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.http.internal.vertx.VertxTls;
import org.junit.jupiter.api.Test;

/**
 * This module's tests run without netty-tcnative, so TLS runs on the JDK's engine here
 * ({@code courier-http}'s tests run on OpenSSL).
 */
class TlsEngineTest {
    @Test
    void theJdkEngineIsPickedWithoutTcnative() {
        assertThat(VertxTls.engineName()).isEqualTo("jdk");
        assertThat(VertxTls.engine()).isInstanceOf(io.vertx.core.net.JdkSSLEngineOptions.class);
    }
}
