package dev.letterbox.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, for a while, that a password matched a stored hash, so that the next login with the
 * same password skips the slow hash. Mail clients log in all the time: Thunderbird opens several
 * IMAP connections at once, phones poll POP3 every few minutes, and each Argon2id check costs tens
 * of milliseconds of CPU and 19 MiB. (Dovecot's auth cache exists for the same reason.)
 *
 * <p>What is kept: the stored hash string (so a changed password misses) and an HMAC-SHA256 of the
 * password under a random key that never leaves this process. Only successes are remembered; a
 * wrong password always pays the full slow check.
 *
 * <p>No invalidation is needed, on this node or any other: the caller reads the stored hash (and
 * the account's enabled flag) from the database at every login, and a new password is a new hash
 * (a new salt, even for the same password), so an entry for the old one can never match again.
 * A password change or a disable made by another node or the CLI counts from its commit, without
 * waiting for the change feed (ClusterTest shows it).
 */
final class VerifiedLogins {
    static final long TTL_NANOS = 15L * 60 * 1_000_000_000;
    static final int MAX_ENTRIES = 50_000;

    private record Verified(byte[] mac, long expiresNanos) {}

    private final SecretKeySpec key;
    private final LongSupplier clock;
    private final Map<String, Verified> entries = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    VerifiedLogins(LongSupplier nanoClock) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.clock = nanoClock;
    }

    /** True when this password was verified against {@code stored} within the last {@link #TTL_NANOS}. */
    boolean matches(char[] password, String stored) {
        Verified e;
        synchronized (entries) {
            e = entries.get(stored);
        }
        if (e == null) return false;
        if (clock.getAsLong() - e.expiresNanos() >= 0) {
            synchronized (entries) {
                entries.remove(stored, e);
            }
            return false;
        }
        return MessageDigest.isEqual(e.mac(), mac(password));
    }

    /** Called after a slow check succeeded. */
    void remember(char[] password, String stored) {
        Verified e = new Verified(mac(password), clock.getAsLong() + TTL_NANOS);
        synchronized (entries) {
            entries.remove(stored); // re-inserted at the end: the eldest is evicted first
            entries.put(stored, e);
        }
    }

    private byte[] mac(char[] password) {
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[utf8.remaining()];
        utf8.get(bytes);
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m.doFinal(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (utf8.hasArray()) Arrays.fill(utf8.array(), (byte) 0);
        }
    }
}
