package dev.letterbox.auth;

import dev.letterbox.store.ScramKeys;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256's arithmetic (RFC 5802 §3, RFC 7677): SaltedPassword = Hi(password, salt, i),
 * ClientKey = HMAC(SaltedPassword, "Client Key"), StoredKey = H(ClientKey),
 * ServerKey = HMAC(SaltedPassword, "Server Key"); and the check of a client's proof against a
 * StoredKey, which needs no password: ClientKey = proof XOR HMAC(StoredKey, AuthMessage), and it
 * is right when H(ClientKey) = StoredKey.
 */
public final class Scram {
    /**
     * The iteration count for new salts: RFC 7677 §4's minimum, as PostgreSQL and Dovecot use.
     * Each client login runs Hi once; the stored keys are a weaker form of the password than the
     * Argon2id hash, so the database must stay as private as ever.
     */
    public static final int ITERATIONS = 4096;
    public static final int SALT_BYTES = 16;

    private Scram() {}

    public static ScramKeys keys(char[] password, byte[] salt, int iterations) {
        byte[] salted = hi(password, salt, iterations);
        try {
            byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
            return new ScramKeys(sha256(clientKey), serverKey);
        } finally {
            Arrays.fill(salted, (byte) 0);
        }
    }

    /** True when {@code proof} shows knowledge of the ClientKey behind {@code storedKey}. Constant time. */
    public static boolean proofMatches(ScramKeys keys, byte[] authMessage, byte[] proof) {
        byte[] signature = hmac(keys.storedKey(), authMessage);
        if (proof.length != signature.length) return false;
        byte[] clientKey = new byte[signature.length];
        for (int i = 0; i < clientKey.length; i++) clientKey[i] = (byte) (proof[i] ^ signature[i]);
        return MessageDigest.isEqual(sha256(clientKey), keys.storedKey());
    }

    /** The ServerSignature the client checks in the server-final message. */
    public static byte[] serverSignature(ScramKeys keys, byte[] authMessage) {
        return hmac(keys.serverKey(), authMessage);
    }

    /** Hi() of RFC 5802 §2.2: PBKDF2 with HMAC-SHA-256 and one block of output. */
    static byte[] hi(char[] password, byte[] salt, int iterations) {
        byte[] key = utf8(saslPrep(password));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // HMAC keys may be empty; SecretKeySpec refuses that, so an empty password gets one zero
            // byte, which HMAC pads to the same block anyway (RFC 2104 §2: keys are zero-padded)
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            mac.update(salt);
            byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < result.length; j++) result[j] ^= u[j];
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * The parts of SASLprep (RFC 4013) that change a password: non-ASCII spaces become U+0020,
     * characters "commonly mapped to nothing" go, then NFKC. Clients do the same, so a password
     * typed with such characters gives the same keys on both sides. (Prohibited characters are not
     * refused here; they were refused when the password was set, or the proof simply fails.)
     */
    static char[] saslPrep(char[] password) {
        boolean ascii = true;
        for (char c : password) if (c >= 0x80) ascii = false;
        if (ascii) return password.clone();
        StringBuilder sb = new StringBuilder(password.length);
        for (char c : password) {
            if (Character.getType(c) == Character.SPACE_SEPARATOR && c != ' ') sb.append(' ');
            else if (!mappedToNothing(c)) sb.append(c);
        }
        return Normalizer.normalize(sb, Normalizer.Form.NFKC).toCharArray();
    }

    /** RFC 3454 table B.1. */
    private static boolean mappedToNothing(char c) {
        return c == 0x00AD || c == 0x034F || c == 0x1806 || (c >= 0x180B && c <= 0x180D) || (c >= 0x200B && c <= 0x200D)
                || c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        if (buf.hasArray()) Arrays.fill(buf.array(), (byte) 0);
        Arrays.fill(chars, '\0');
        return out;
    }
}
