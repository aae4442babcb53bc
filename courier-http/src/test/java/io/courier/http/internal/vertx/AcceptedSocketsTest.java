package io.courier.http.internal.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.test.Await;
import io.netty.channel.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AcceptedSocketsTest {
    private final Vertx vertx = Vertx.builder().withTransport(ServerTuningTransport.NIO).build();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eachConnectionIsFoundWithItsOwnSocketUntilItCloses() throws Exception {
        Map<Integer, HttpConnection> byClientPort = new ConcurrentHashMap<>();
        HttpServer server = vertx.createHttpServer()
                .connectionHandler(c -> byClientPort.put(c.remoteAddress().port(), c))
                .requestHandler(r -> r.response().end("ok"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Socket s = new Socket("127.0.0.1", server.actualPort());
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            clients.add(s);
        }
        List<Channel> found = new ArrayList<>();
        for (Socket s : clients) {
            HttpConnection connection = byClientPort.get(s.getLocalPort());
            Channel channel = AcceptedSockets.of(connection);
            assertThat(channel).as("the socket of the connection from port %d", s.getLocalPort()).isNotNull();
            assertThat(((InetSocketAddress) channel.remoteAddress()).getPort()).isEqualTo(s.getLocalPort());
            found.add(channel);
        }
        assertThat(found).doesNotHaveDuplicates();

        for (Socket s : clients) {
            s.close();
        }
        Await.until(Duration.ofSeconds(10), "every socket closed and forgotten",
                () -> clients.stream().allMatch(s -> AcceptedSockets.of(byClientPort.get(s.getLocalPort())) == null));
    }
}
