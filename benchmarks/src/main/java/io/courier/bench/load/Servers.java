package io.courier.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.Courier;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The servers under test, one per process: {@code Servers <kind>} starts one on a free loopback
 * port, prints {@code READY <port>}, and exits when its standard input closes.
 */
public final class Servers {
    private Servers() {
    }

    /** Entry point: {@code courier-rest}, {@code vertx-rest} or {@code tcp-echo}. */
    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "";
        AutoCloseable server;
        int port;
        switch (kind) {
            case "courier-rest" -> {
                Courier courier = Courier.builder().name("bench-echo").build();
                courier.serve(Echo.class, payload -> payload);
                port = courier.address().getPort();
                server = courier;
            }
            case "vertx-rest" -> {
                Vertx vertx = Vertx.vertx();
                ObjectMapper json = new ObjectMapper();
                HttpServer http = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
                    try {
                        Payload in = json.readValue(body.getBytes(), Payload.class);
                        request.response().putHeader("Content-Type", "application/json")
                                .end(Buffer.buffer(json.writeValueAsBytes(in)));
                    } catch (Exception e) {
                        request.response().setStatusCode(400).end();
                    }
                }));
                port = http.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join().actualPort();
                server = () -> vertx.close().toCompletionStage().toCompletableFuture().join();
            }
            case "tcp-echo" -> {
                Vertx vertx = Vertx.vertx();
                NetServer net = vertx.createNetServer().connectHandler(socket -> socket.handler(socket::write));
                port = net.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join().actualPort();
                server = () -> vertx.close().toCompletionStage().toCompletableFuture().join();
            }
            default -> {
                System.err.println("unknown server: " + kind + " (expected: courier-rest, vertx-rest, tcp-echo)");
                System.exit(2);
                return;
            }
        }
        System.out.println("READY " + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // wait for the harness to close our input
        }
        server.close();
        System.exit(0);
    }
}
