package dev.letterbox.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private DkimSigner() {}

    /** Reads the whole message; returns the header fields to prepend, each ending in CRLF. */
    public static List<String> sign(InputStream message, List<DkimKey> keys, Instant now) throws IOException {
        if (keys.isEmpty()) return List.of();
        HeaderBlock header = HeaderBlock.read(message, MAX_HEADER_BYTES);
        RelaxedBodyHasher body = new RelaxedBodyHasher();
        byte[] leftover = header.bodyStart();
        body.update(leftover, 0, leftover.length);
        byte[] buf = new byte[16384];
        int n;
        while ((n = message.read(buf)) > 0) body.update(buf, 0, n);
        String bodyHash = Base64.getEncoder().encodeToString(body.digest());

        List<String> names = signedNames(header.fields());
        String canonicalHeaders = canonicalHeaders(header.fields(), names);
        List<String> out = new ArrayList<>();
        for (DkimKey key : keys) out.add(signature(key, now, names, bodyHash, canonicalHeaders));
        return out;
    }

    private static String signature(DkimKey key, Instant now, List<String> names, String bodyHash, String canonicalHeaders) {
        String unsigned = "DKIM-Signature: v=1; a=" + key.algorithm().tag + "; c=relaxed/relaxed; d=" + key.domain()
                + "; s=" + key.selector() + ";\r\n\tt=" + now.getEpochSecond() + "; h=" + String.join(":", names)
                + ";\r\n\tbh=" + bodyHash + ";\r\n\tb=";
        String signedData = canonicalHeaders + RelaxedCanonicalizer.header(unsigned);
        byte[] sig = sign(key, signedData.getBytes(StandardCharsets.ISO_8859_1));
        return unsigned + fold(Base64.getEncoder().encodeToString(sig)) + "\r\n";
    }

    private static byte[] sign(DkimKey key, byte[] data) {
        try {
            if (key.algorithm() == DkimAlgorithm.RSA_SHA256) {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(key.privateKey());
                s.update(data);
                return s.sign();
            }
            // RFC 8463 §3: PureEdDSA over the SHA-256 hash of the data
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key.privateKey());
            s.update(MessageDigest.getInstance("SHA-256").digest(data));
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DKIM signing failed for " + key, e);
        }
    }

    /** The h= list: present fields as often as they occur, plus one extra "from". */
    static List<String> signedNames(List<String> fields) {
        Map<String, Integer> count = new HashMap<>();
        for (String f : fields) count.merge(fieldName(f), 1, Integer::sum);
        List<String> names = new ArrayList<>();
        for (String name : SIGNED) {
            int n = count.getOrDefault(name, 0) + (name.equals("from") ? 1 : 0);
            for (int i = 0; i < n; i++) names.add(name);
        }
        return names;
    }

    /** RFC 6376 §5.4.2: for repeated names take instances from the bottom up; missing ones add nothing. */
    static String canonicalHeaders(List<String> fields, List<String> names) {
        Map<String, Integer> used = new HashMap<>();
        StringBuilder sb = new StringBuilder();
        for (String name : names) {
            int skip = used.merge(name, 1, Integer::sum) - 1;
            for (int i = fields.size() - 1; i >= 0; i--) {
                if (!fieldName(fields.get(i)).equals(name)) continue;
                if (skip-- > 0) continue;
                sb.append(RelaxedCanonicalizer.header(fields.get(i))).append("\r\n");
                break;
            }
        }
        return sb.toString();
    }

    static String fieldName(String field) {
        int colon = field.indexOf(':');
        return (colon < 0 ? field : field.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
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
