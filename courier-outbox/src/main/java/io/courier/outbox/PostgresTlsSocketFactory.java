package io.courier.outbox;

import io.courier.Tls;
import io.courier.internal.RenewableTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocketFactory;

/**
 * pgjdbc's {@code sslfactory} for TLS to PostgreSQL with renewable PEM files: the client
 * certificate ({@code sslcert}, a PEM chain), its key ({@code sslkey}, an unencrypted PEM key,
 * PKCS#8 or PKCS#1) and the server's authorities ({@code sslrootcert}, PEM), read as a Courier
 * {@link Tls}. pgjdbc makes one of these per connection; each compares the files' modification
 * times with those last read and, when one changed, reads them again, so a renewed certificate
 * is presented from the next new connection on, with no new {@code DataSource} or pool. Files
 * that cannot be used are logged at WARN and the previous certificate stays.
 *
 * <pre>
 * jdbc:postgresql://db:5432/orders?sslmode=verify-full&amp;sslfactory=io.courier.outbox.PostgresTlsSocketFactory
 *     &amp;sslrootcert=/etc/orders/db-ca.crt&amp;sslcert=/etc/orders/tls.crt&amp;sslkey=/etc/orders/tls.key
 * </pre>
 *
 * <p>{@code sslmode=verify-full} still has pgjdbc check the server's name after the handshake;
 * this factory checks its chain against {@code sslrootcert} (without it, the JDK's authorities).
 */
public final class PostgresTlsSocketFactory extends SSLSocketFactory {
    /** One per set of files, so a change is read once and a broken file keeps the last good one. */
    private static final Map<List<String>, RenewableTls> RENEWABLE = new ConcurrentHashMap<>();

    private final SSLSocketFactory delegate;

    /**
     * The factory for one connection, with pgjdbc's connection properties.
     *
     * @throws IllegalArgumentException naming the file when a file cannot be used
     */
    public PostgresTlsSocketFactory(Properties info) {
        String cert = info.getProperty("sslcert");
        String key = info.getProperty("sslkey");
        String root = info.getProperty("sslrootcert");
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("PostgreSQL TLS: sslcert and sslkey go together (got sslcert="
                    + cert + ", sslkey=" + key + ")");
        }
        this.delegate = RENEWABLE.computeIfAbsent(java.util.Arrays.asList(cert, key, root), k -> {
            Tls.Builder tls = Tls.builder();
            if (cert != null) {
                tls.keyCertificate(Path.of(cert), Path.of(key));
            }
            if (root != null) {
                tls.trust(Path.of(root));
            }
            return RenewableTls.of(tls.build(), "PostgreSQL TLS");
        }).sslContext().getSocketFactory();
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return delegate.createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket() throws IOException {
        return delegate.createSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return delegate.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return delegate.createSocket(address, port, localAddress, localPort);
    }
}
