package dev.letterbox.relay;

import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimKeyStore;
import dev.letterbox.dkim.DkimSigner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * DKIM for outgoing mail: the DKIM-Signature fields to send in front of the queued bytes (which
 * never change). The signing domain is the envelope sender's, when it is hosted here and has keys.
 * Not the From field's: submission checks that the envelope sender belongs to the user, but not the
 * From field, so a user of one hosted domain could otherwise get mail signed for another. For
 * ordinary mail the two are the same domain, which is what DMARC alignment wants. Mail from the
 * null sender (reports) and forwarded mail from other domains is not signed. A key that cannot be
 * read costs the signature, never the delivery.
 */
public final class MessageSigner {
    private static final System.Logger LOG = System.getLogger("letterbox.relay");
    private static final byte[] NONE = new byte[0];

    private final DkimKeyStore keys;
    private final Predicate<String> ourDomain;

    public MessageSigner(DkimKeyStore keys, Predicate<String> ourDomain) {
        this.keys = keys;
        this.ourDomain = ourDomain;
    }

    /** The header fields to prepend (CRLF-terminated), or no bytes when the message is not ours to sign. */
    public byte[] signatureFields(String envelopeSender, MessageBytes message, String logContext) {
        int at = envelopeSender.lastIndexOf('@');
        if (at <= 0) return NONE;
        String domain = envelopeSender.substring(at + 1).toLowerCase(Locale.ROOT);
        try {
            if (!ourDomain.test(domain)) return NONE;
            List<DkimKey> signing = keys.keys(domain);
            if (signing.isEmpty()) return NONE;
            try (InputStream in = message.open()) {
                return String.join("", DkimSigner.sign(in, signing, Instant.now())).getBytes(StandardCharsets.US_ASCII);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "{0}: sending without a DKIM signature: {1}", logContext, e.toString());
            return NONE;
        }
    }
}
