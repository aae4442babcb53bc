package io.courier.rabbitmq;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A loopback TCP relay to the broker whose answers can be held back: while {@link #stall()}ed,
 * what the broker sends (confirms among it) waits in the relay, and the connection stays open,
 * as on a path that stopped delivering without failing. For the tests of what happens when no
 * confirm comes. Thread-safe.
 */
final class StallingRelay implements AutoCloseable {
    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch open = new CountDownLatch(0);

    StallingRelay(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("stalling-relay-accept").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Holds back what the broker sends from now on. */
    void stall() {
        open = new CountDownLatch(1);
    }

    /** Lets it through again. */
    void resume() {
        open.countDown();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket broker = new Socket();
                broker.connect(target, 5_000);
                sockets.add(client);
                sockets.add(broker);
                Thread.ofVirtual().start(() -> pump(client, broker, false));
                Thread.ofVirtual().start(() -> pump(broker, client, true));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromBroker) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (fromBroker) {
                    open.await();
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        resume();
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
