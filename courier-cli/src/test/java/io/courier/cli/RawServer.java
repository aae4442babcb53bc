package io.courier.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP server on loopback that answers each connection with what the test writes: a peer that
 * breaks the protocol on purpose. Closing it closes every connection and ends its threads.
 */
final class RawServer implements AutoCloseable {
    /** What to do with one accepted connection (read the request, write anything or nothing). */
    interface Peer {
        void serve(Socket s) throws Exception;
    }

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    RawServer(Peer peer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.add(Thread.ofPlatform().daemon().name("raw-server").start(() -> {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException closed) {
                    return;
                }
                sockets.add(s);
                threads.add(Thread.ofPlatform().daemon().name("raw-peer").start(() -> {
                    try (s) {
                        peer.serve(s);
                    } catch (Exception gone) {
                        // the client hung up, or the test closed the server
                    }
                }));
            }
        }));
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Reads a request's head (to the blank line); the body, if any, is left unread. */
    static String head(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return b.toString();
    }

    /** Writes {@code text} (ISO-8859-1: one byte per char) and flushes. */
    static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Answers one request with {@code status}, {@code type} and {@code body} whole. */
    static Peer answering(int status, String type, byte[] body) {
        return s -> {
            head(s);
            write(s, "HTTP/1.1 " + status + " X\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n");
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
        };
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        try {
            for (Thread t : threads) {
                t.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
