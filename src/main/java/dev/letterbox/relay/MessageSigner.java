package dev.letterbox.relay;

import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimKeyStore;
import dev.letterbox.dkim.DkimSigner;
import dev.letterbox.dkim.HeaderBlock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * DKIM for outgoing mail: picks the signing domain and returns the DKIM-Signature fields to send in
 * front of the queued bytes (which never change). The domain is the From address's when it is one
 * of ours with keys (what DMARC checks), else the envelope sender's; with neither, nothing is signed.
 * A key that cannot be read costs the signature, never the delivery.
 */
public final class MessageSigner {
    private static final System.Logger LOG = System.getLogger("letterbox.relay");
    private static final int MAX_HEADER = 256 * 1024;
    private static final byte[] NONE = new byte[0];

    private final DkimKeyStore keys;
    private final Predicate<String> ourDomain;

    public MessageSigner(DkimKeyStore keys, Predicate<String> ourDomain) {
        this.keys = keys;
        this.ourDomain = ourDomain;
    }

    /** The header fields to prepend (CRLF-terminated), or no bytes when the message is not ours to sign. */
    public byte[] signatureFields(String envelopeSender, MessageBytes message, String logContext) {
        try {
            Optional<String> fromDomain;
            try (InputStream in = message.open()) {
                fromDomain = fromDomain(HeaderBlock.read(in, MAX_HEADER).fields());
            }
            List<DkimKey> signing = fromDomain.map(this::keysOf).orElse(List.of());
            if (signing.isEmpty() && envelopeSender.indexOf('@') > 0) {
                signing = keysOf(envelopeSender.substring(envelopeSender.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT));
            }
            if (signing.isEmpty()) return NONE;
            try (InputStream in = message.open()) {
                return String.join("", DkimSigner.sign(in, signing, Instant.now())).getBytes(StandardCharsets.US_ASCII);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "{0}: sending without a DKIM signature: {1}", logContext, e.toString());
            return NONE;
        }
    }

    private List<DkimKey> keysOf(String domain) {
        if (!ourDomain.test(domain)) return List.of();
        try {
            return keys.keys(domain);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The domain of the first From field's address (RFC 5322 §3.6.2), lower-cased. */
    static Optional<String> fromDomain(List<String> fields) {
        for (String f : fields) {
            int colon = f.indexOf(':');
            if (colon < 0 || !f.substring(0, colon).strip().equalsIgnoreCase("from")) continue;
            String value = f.substring(colon + 1).replace("\r\n", " ");
            int open = value.lastIndexOf('<');
            if (open >= 0) {
                int close = value.indexOf('>', open);
                value = value.substring(open + 1, close < 0 ? value.length() : close);
            } else {
                value = value.replaceAll("\\([^)]*\\)", " "); // a comment may hold an '@' of its own
                int comma = value.indexOf(',');
                if (comma >= 0) value = value.substring(0, comma);
            }
            int at = value.lastIndexOf('@');
            if (at < 0) return Optional.empty();
            String domain = value.substring(at + 1).strip().toLowerCase(Locale.ROOT);
            if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
            return domain.matches("[a-z0-9.-]+") ? Optional.of(domain) : Optional.empty();
        }
        return Optional.empty();
    }
}
