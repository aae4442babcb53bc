package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.test.ThreadCpu;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Small requests that would cost minutes of CPU once decoded ({@code 1e10000000} is 10 bytes
 * and ten million digits), sent by {@link HttpClient}: each gets 400 naming the limit, the next
 * good call is answered within its deadline, and no thread keeps working afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileNumbersTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private URI base;

    @BeforeAll
    void start() {
        server = Courier.builder().name("payments").build().serve(Payments.class, new Payments() {
            @Override
            public Payment pay(Payment payment) {
                return new Payment(payment.customer(), payment.amount().setScale(2, RoundingMode.HALF_EVEN));
            }

            @Override
            public BigDecimal quote(BigDecimal amount) {
                return amount.setScale(2, RoundingMode.HALF_EVEN);
            }
        });
        base = server.uri();
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    /** After each hostile request: a good call within its deadline, and then no busy thread. */
    @AfterEach
    void serverAnswersAtOnceAndNoThreadStaysBusy() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(base.resolve("/payments"))
                .timeout(Duration.ofSeconds(2)).header("courier-timeout", "2S").header("content-type", "application/json")
                .POST(BodyPublishers.ofString("{\"customer\":\"ann\",\"amount\":12.345}")).build(), BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"amount\":12.34");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

        assertThat(ThreadCpu.usedOver(Duration.ofSeconds(1))).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void aHugeExponentInTheBodyIs400NamingTheLimit() throws Exception {
        HttpResponse<String> r = post("{\"customer\":\"ann\",\"amount\":1e10000000}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("body: $.amount: scale -10000000 exceeds the limit 1000 (maxDecimalScale)")
                .doesNotContain("at io.", "Exception");
    }

    @Test
    void tenMillionDigitsInTheBodyAre400NamingTheLimit() throws Exception {
        HttpResponse<String> r = post("{\"customer\":\"ann\",\"amount\":" + "9".repeat(10_000_000) + "}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("body: $.amount: a number of ", "exceeds the limit 1000 (maxNumberLength)");
    }

    @Test
    void aHugeExponentInTheQueryIs400NamingTheLimit() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/quotes?amount=1e10000000"))
                .timeout(Duration.ofSeconds(10)).GET().build(), BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\\\"1e10000000\\\": scale -10000000 exceeds the limit 1000 (maxDecimalScale)");
    }

    private HttpResponse<String> post(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/payments")).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(BodyPublishers.ofString(json)).build(),
                BodyHandlers.ofString());
    }
}
