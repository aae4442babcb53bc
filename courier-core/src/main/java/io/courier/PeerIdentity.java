package io.courier;

import java.net.URI;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is on the other end of a mutual-TLS connection, as its verified certificate says: the
 * subject's distinguished name and its subject alternative names. On the server, the identity
 * of the client that made the call is {@code CallContext.current().peer()} for handlers and
 * server interceptors, present only when the client presented a certificate the server's trust
 * verified ({@link Tls.ClientAuth#REQUIRE} or {@link Tls.ClientAuth#OPTIONAL}).
 *
 * <pre>{@code
 * String caller = CallContext.current().peer().flatMap(PeerIdentity::spiffeId)
 *         .map(URI::toString).orElseThrow(() -> new PermissionDeniedException("no client certificate"));
 * }</pre>
 *
 * @param subject     the subject's distinguished name in RFC 2253 form, e.g. {@code CN=orders,O=Acme}
 * @param dnsNames    the DNS names among the subject alternative names
 * @param ipAddresses the IP addresses among the subject alternative names, as text
 * @param uris        the URIs among the subject alternative names (a SPIFFE ID is one)
 * @param certificate the verified leaf certificate
 */
public record PeerIdentity(String subject, List<String> dnsNames, List<String> ipAddresses, List<URI> uris,
                           X509Certificate certificate) {
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;
    private static final int SAN_IP = 7;

    public PeerIdentity {
        Objects.requireNonNull(subject, "subject");
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        uris = List.copyOf(uris);
        Objects.requireNonNull(certificate, "certificate");
    }

    /**
     * The identity a certificate states. URI names that are not valid URIs are left out.
     *
     * @throws IllegalArgumentException when the certificate's alternative names cannot be parsed
     */
    public static PeerIdentity of(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        List<URI> uris = new ArrayList<>();
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("certificate " + certificate.getSubjectX500Principal()
                    + ": unreadable subject alternative names (" + e.getMessage() + ")", e);
        }
        if (names != null) {
            for (List<?> name : names) {
                if (name.size() < 2 || !(name.get(0) instanceof Integer type) || !(name.get(1) instanceof String value)) {
                    continue;
                }
                switch (type) {
                    case SAN_DNS -> dns.add(value);
                    case SAN_IP -> ips.add(value);
                    case SAN_URI -> {
                        try {
                            uris.add(URI.create(value));
                        } catch (IllegalArgumentException ignored) {
                            // Not a URI: not an identity a caller can be matched on.
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        return new PeerIdentity(certificate.getSubjectX500Principal().getName(), dns, ips, uris, certificate);
    }

    /** The first {@code spiffe://} URI among the alternative names: the peer's SPIFFE ID, if it has one. */
    public Optional<URI> spiffeId() {
        return uris.stream().filter(u -> "spiffe".equalsIgnoreCase(u.getScheme())).findFirst();
    }

    @Override
    public String toString() {
        return "PeerIdentity[subject=" + subject + ", dnsNames=" + dnsNames + ", ipAddresses=" + ipAddresses
                + ", uris=" + uris + "]";
    }
}
