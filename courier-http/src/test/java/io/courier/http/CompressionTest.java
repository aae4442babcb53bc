package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Response compression negotiated by {@code Accept-Encoding}, read with the JDK's HTTP client
 * (which does not inflate by itself, so the bytes on the wire are what is checked).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompressionTest {
    /** Text of a chosen length. */
    @Service("texts")
    public interface Texts {
        @Get("/text/{n}")
        String text(@Path("n") int n);

        @Get("/lines/{n}")
        Stream<String> lines(@Path("n") int n);
    }

    private static final Texts IMPL = new Texts() {
        @Override
        public String text(int n) {
            return "a".repeat(n);
        }

        @Override
        public Stream<String> lines(int n) {
            return Stream.generate(() -> "b".repeat(2000)).limit(n);
        }
    };

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private Courier plain;

    @BeforeAll
    void start() {
        server = Courier.builder().name("gzip").build().serve(Texts.class, IMPL);
        plain = Courier.builder().name("plain").transport(HttpTransportFactory.builder().compression(false).build())
                .build().serve(Texts.class, IMPL);
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
        plain.close();
    }

    private HttpResponse<byte[]> get(Courier to, String path, String acceptEncoding) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(to.uri().resolve(path));
        if (acceptEncoding != null) {
            b.header("accept-encoding", acceptEncoding);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gunzip(byte[] bytes) throws Exception {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aLargeBodyIsGzipWhenTheClientAccepts() throws Exception {
        HttpResponse<byte[]> r = get(server, "/text/20000", "gzip, deflate;q=0.5");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(r.body().length).isLessThan(1000);
        assertThat(gunzip(r.body())).isEqualTo("\"" + "a".repeat(20000) + "\"");
    }

    @Test
    void aSmallBodyIsSentAsItIs() throws Exception {
        HttpResponse<byte[]> r = get(server, "/text/100", "gzip");

        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("\"" + "a".repeat(100) + "\"");
    }

    @Test
    void aClientThatDoesNotAcceptGzipGetsThePlainBody() throws Exception {
        for (String acceptEncoding : new String[] {null, "identity", "gzip;q=0"}) {
            HttpResponse<byte[]> r = get(server, "/text/20000", acceptEncoding);

            assertThat(r.headers().firstValue("content-encoding")).as(acceptEncoding).isEmpty();
            assertThat(r.body()).as(acceptEncoding).hasSize(20002);
        }
    }

    @Test
    void compressionCanBeTurnedOff() throws Exception {
        HttpResponse<byte[]> r = get(plain, "/text/20000", "gzip");

        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(r.body()).hasSize(20002);
    }

    @Test
    void eventStreamsAreNotCompressed() throws Exception {
        HttpResponse<byte[]> r = get(server, "/lines/3", "gzip");

        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).startsWith("data: \"bbb").hasSize(3 * (2000 + 2 + 6 + 2));
    }
}
