package io.courier.rabbitmq;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS endpoint on loopback in front of a plaintext broker: it completes the TLS handshake
 * with the JDK's engine (asking for a client certificate if told to), then relays the bytes in
 * both directions. It presents certificates the broker's own TLS listeners do not have (one
 * naming another host), with no change to the shared broker's configuration. Thread-safe.
 */
final class TlsRelay implements AutoCloseable {
    private final InetSocketAddress target;
    private final SSLServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> clientSubjects = new CopyOnWriteArrayList<>();

    TlsRelay(SSLContext context, boolean requireClientCertificate, InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        listener.setNeedClientAuth(requireClientCertificate);
        Thread.ofVirtual().name("tls-relay-accept").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The subjects of the client certificates of the connections relayed so far. */
    List<String> clientSubjects() {
        return List.copyOf(clientSubjects);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                SSLSocket client = (SSLSocket) listener.accept();
                sockets.add(client);
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(SSLSocket client) {
        try {
            client.startHandshake();
            try {
                clientSubjects.add(client.getSession().getPeerPrincipal().getName());
            } catch (SSLPeerUnverifiedException e) {
                // no client certificate
            }
            Socket broker = new Socket();
            sockets.add(broker);
            broker.connect(target, 5_000);
            Thread.ofVirtual().start(() -> pump(broker, client));
            pump(client, broker);
        } catch (IOException e) {
            close(client); // a refused handshake: the client sees the alert
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(TlsRelay::close);
    }
}
