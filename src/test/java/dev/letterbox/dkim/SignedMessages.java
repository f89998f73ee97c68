package dev.letterbox.dkim;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Test helpers: messages split the way the delivery pipeline hands them over (header, then the
 * body in small chunks), keys made on the spot, and a signer that writes whatever tags a test
 * wants (l=, x=, simple canonicalisation, ...), which the production signer never does.
 */
final class SignedMessages {
    private SignedMessages() {}

    /** Index of the first byte of the body (after the empty line), or the length when there is none. */
    static int bodyStart(byte[] message) {
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] != '\n') continue;
            if (i == 0 || message[i + 1] == '\n') return i + 2;
            if (message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n') return i + 3;
        }
        return message.length;
    }

    static MessageHeader header(byte[] message) {
        return MessageHeader.parse(message, 0, bodyStart(message));
    }

    /** Runs DKIM verification as the pipeline does: header first, body in 7-byte chunks. */
    static DkimResults verify(DkimVerifier verifier, byte[] message, Instant deadline) {
        BodyHashes body = new BodyHashes();
        DkimVerification v = verifier.start(header(message), body);
        feed(body, message);
        return v.finish(deadline);
    }

    static void feed(BodyHashes body, byte[] message) {
        for (int i = bodyStart(message); i < message.length; i += 7) body.update(message, i, Math.min(7, message.length - i));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(String prefix, byte[] message) {
        byte[] p = prefix.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = Arrays.copyOf(p, p.length + message.length);
        System.arraycopy(message, 0, out, p.length, message.length);
        return out;
    }

    static DkimKey newKey(String domain, String selector, DkimAlgorithm algorithm, int rsaBits) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm.jcaKey);
        if (algorithm == DkimAlgorithm.RSA_SHA256) gen.initialize(rsaBits);
        KeyPair pair = gen.generateKeyPair();
        return new DkimKey(domain, selector, algorithm, pair.getPrivate(), pair.getPublic());
    }

    /**
     * A DKIM-Signature field (ending in CRLF) over {@code message} with {@code tags} as written
     * (v=, a=, d=, s=, h=, c=, l=, ...); bh= and b= are computed and appended.
     */
    static String signature(DkimKey key, String tags, byte[] message) throws DkimException {
        TagList list = TagList.parse(tags);
        String c = list.get("c") == null ? "simple/simple" : list.get("c");
        Canonicalization headerCanon = Canonicalization.parse(c.split("/")[0]);
        Canonicalization bodyCanon = c.contains("/") ? Canonicalization.parse(c.split("/")[1]) : Canonicalization.SIMPLE;
        String l = list.get("l");
        long limit = l == null ? -1 : l.length() > 18 ? Long.MAX_VALUE : Long.parseLong(l);
        BodyHash body = new BodyHash(bodyCanon, limit);
        int start = bodyStart(message);
        body.update(message, start, message.length - start);
        String unsigned = "DKIM-Signature: " + tags + ";\r\n\tbh=" + Base64.getEncoder().encodeToString(body.digest()) + ";\r\n\tb=";
        List<String> names = Arrays.stream(list.get("h").split(":")).map(n -> n.strip().toLowerCase()).toList();
        String data = header(message).canonicalFields(names, -1, headerCanon) + headerCanon.header(unsigned);
        return unsigned + DkimSigner.signatureValue(key, data) + "\r\n";
    }

    /** {@code message} with a signature made by {@link #signature} prepended. */
    static byte[] signed(DkimKey key, String tags, byte[] message) throws DkimException {
        return concat(signature(key, tags, message), message);
    }
}
