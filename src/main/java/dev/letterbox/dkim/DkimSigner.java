package dev.letterbox.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Produces DKIM-Signature header fields (RFC 6376 §5, relaxed/relaxed) for a message, one per key.
 * The message itself is not changed: the caller prepends the returned fields when sending.
 */
public final class DkimSigner {
    /**
     * The fields we sign when present. "from" is also signed once more than it occurs
     * (over-signing, RFC 6376 §8.15), so nobody can add a second From without breaking the signature.
     */
    static final List<String> SIGNED = List.of("from", "reply-to", "subject", "date", "to", "cc", "message-id",
            "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
            "content-disposition", "sender", "list-id", "list-unsubscribe", "list-unsubscribe-post",
            "resent-date", "resent-from", "resent-to", "resent-cc", "resent-message-id");
    static final int MAX_HEADER_BYTES = 1 << 20;

    private DkimSigner() {}

    /** Reads the whole message; returns the header fields to prepend, each ending in CRLF. */
    public static List<String> sign(InputStream message, List<DkimKey> keys, Instant now) throws IOException {
        if (keys.isEmpty()) return List.of();
        MessageHeader.Read read = MessageHeader.read(message, MAX_HEADER_BYTES);
        String bodyHash = Base64.getEncoder().encodeToString(relaxedBodyHash(read, message));
        MessageHeader header = read.header();
        List<String> names = signedNames(header);
        String canonicalHeaders = header.canonicalFields(names, -1, Canonicalization.RELAXED);
        List<String> out = new ArrayList<>();
        for (DkimKey key : keys) out.add(signature(key, now, names, bodyHash, canonicalHeaders));
        return out;
    }

    /** The relaxed SHA-256 body hash of the rest of {@code message}, after its header was read. */
    static byte[] relaxedBodyHash(MessageHeader.Read read, InputStream message) throws IOException {
        BodyHash body = BodyHash.of(Canonicalization.RELAXED);
        body.update(read.bodyStart(), 0, read.bodyStart().length);
        byte[] buf = new byte[16384];
        int n;
        while ((n = message.read(buf)) > 0) body.update(buf, 0, n);
        return body.digest();
    }

    private static String signature(DkimKey key, Instant now, List<String> names, String bodyHash, String canonicalHeaders) {
        String unsigned = "DKIM-Signature: v=1; a=" + key.algorithm().tag + "; c=relaxed/relaxed; d=" + key.domain()
                + "; s=" + key.selector() + ";\r\n\tt=" + now.getEpochSecond() + "; h=" + String.join(":", names)
                + ";\r\n\tbh=" + bodyHash + ";\r\n\tb=";
        return unsigned + signatureValue(key, canonicalHeaders + Canonicalization.RELAXED.header(unsigned)) + "\r\n";
    }

    /**
     * The folded b= value for a field whose signed data is {@code signedData}: the relaxed
     * canonical fields it covers followed by itself with b= empty (RFC 6376 §3.7).
     */
    public static String signatureValue(DkimKey key, String signedData) {
        byte[] sig = key.algorithm().sign(key.privateKey(), signedData.getBytes(StandardCharsets.ISO_8859_1));
        return fold(Base64.getEncoder().encodeToString(sig));
    }

    /** The h= list we sign with: present fields as often as they occur, plus one extra "from". */
    public static List<String> signedNames(MessageHeader header) {
        Map<String, Integer> count = new HashMap<>();
        for (int i = 0; i < header.size(); i++) count.merge(header.name(i), 1, Integer::sum);
        List<String> names = new ArrayList<>();
        for (String name : SIGNED) {
            int n = count.getOrDefault(name, 0) + (name.equals("from") ? 1 : 0);
            for (int i = 0; i < n; i++) names.add(name);
        }
        return names;
    }

    private static String fold(String b64) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b64.length(); i += 72) {
            if (i > 0) sb.append("\r\n\t ");
            sb.append(b64, i, Math.min(b64.length(), i + 72));
        }
        return sb.toString();
    }
}
