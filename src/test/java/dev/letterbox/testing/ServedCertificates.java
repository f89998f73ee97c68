package dev.letterbox.testing;

import dev.letterbox.relay.OutboundTls;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/** What certificate chain a TLS listener sends, taken as it comes (tests check it themselves). */
public final class ServedCertificates {
    private ServedCertificates() {}

    public static List<X509Certificate> chain(int port) throws Exception {
        var any = OutboundTls.load(Optional.empty()).opportunistic(); // checks nothing: the caller does
        try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return Arrays.stream(s.getSession().getPeerCertificates()).map(c -> (X509Certificate) c).toList();
        }
    }

    /** The leaf the listener on {@code port} serves now; empty when no handshake succeeds. */
    public static Optional<X509Certificate> leaf(int port) {
        try {
            return Optional.of(chain(port).getFirst());
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
