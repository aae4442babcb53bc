package io.courier.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny TCP proxy on loopback, to cut connections under calls in flight: clients connect to
 * {@link #port()}, the relay copies bytes both ways to the target, and {@link #cut()} resets
 * every open connection at once (an RST each way, as when a peer's process dies or a network
 * path fails). New connections are relayed again after a cut.
 *
 * <pre>{@code
 * try (TcpRelay relay = TcpRelay.to(server.localAddress())) {
 *     // call "http://127.0.0.1:" + relay.port(), then
 *     relay.cut();
 * }
 * }</pre>
 *
 * <p>Thread-safe. Each connection uses two virtual threads.
 */
public final class TcpRelay implements AutoCloseable {
    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private record Link(Socket client, Socket upstream) {
        void reset() {
            resetQuietly(client);
            resetQuietly(upstream);
        }
    }

    private TcpRelay(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("tcp-relay-accept-" + listener.getLocalPort()).start(this::accept);
    }

    /** A relay on a free loopback port to {@code target}. */
    public static TcpRelay to(InetSocketAddress target) {
        Objects.requireNonNull(target, "target");
        try {
            return new TcpRelay(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a relay to " + target, e);
        }
    }

    /** The loopback port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Connections relayed now. */
    public int connections() {
        return links.size();
    }

    /** Resets every open connection, both sides; returns how many there were. */
    public int cut() {
        int n = 0;
        for (Link link : links) {
            if (links.remove(link)) {
                link.reset();
                n++;
            }
        }
        return n;
    }

    /** Stops accepting and resets every open connection. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
        cut();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                resetQuietly(client);
                resetQuietly(upstream);
                continue;
            }
            Link link = new Link(client, upstream);
            links.add(link);
            Thread.ofVirtual().start(() -> pump(link, client, upstream));
            Thread.ofVirtual().start(() -> pump(link, upstream, client));
        }
    }

    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput(); // an orderly close passes through as one
        } catch (IOException e) {
            // cut or reset: the other pump sees it too
            if (links.remove(link)) {
                link.reset();
            }
        }
    }

    private static void resetQuietly(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0); // close with RST, not FIN
            }
        } catch (SocketException ignored) {
            // already gone
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
