package dev.letterbox.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}). Parameters follow current OWASP guidance.
 *
 * <p>The hash runs on a few platform threads of its own, never on the caller's thread. A session is
 * a virtual thread, and the JDK does not preempt a virtual thread that computes: a check (~35 ms of
 * CPU) holds its carrier thread throughout, so as many wrong guesses at once as there are carriers —
 * any password guesser's doing — would stop every other session until they end. On platform threads
 * the OS shares the cores, and there are one fewer of them than cores (at least one), so on a
 * machine of two cores or more the sessions always keep a core. The pool also caps the memory: each check allocates {@code m} KiB, and a login storm
 * queues instead of exhausting the heap. The calling virtual thread just waits, unmounted.
 */
public final class PasswordHasher {
    private static final int MEMORY_KIB = 19_456, ITERATIONS = 2, PARALLELISM = 1, SALT_BYTES = 16, HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();
    /** Threads start on demand and end after a minute idle, so a hasher needs no closing. */
    private final ThreadPoolExecutor hashing;
    /** A hash to check against when the account does not exist, so timing does not reveal that. */
    private final String decoy;
    private final VerifiedLogins recent = new VerifiedLogins(System::nanoTime);

    public PasswordHasher() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        this.hashing = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name("letterbox-password-hash-", 0).factory());
        hashing.allowCoreThreadTimeOut(true);
        this.decoy = hash("decoy password that matches nothing".toCharArray());
    }

    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /**
     * Constant-time check; a malformed stored hash never matches. A password that matched this same
     * hash in the last minutes is recognised without the slow hash (see {@link VerifiedLogins}).
     */
    public boolean verify(char[] password, String stored) {
        if (stored != null && recent.matches(password, stored)) return true;
        boolean ok = verifySlowly(password, stored);
        if (ok) recent.remember(password, stored);
        return ok;
    }

    private boolean verifySlowly(char[] password, String stored) {
        Matcher m = stored == null ? null : PHC.matcher(stored);
        if (m == null || !m.matches()) return false;
        int memory = Integer.parseInt(m.group(1)), iterations = Integer.parseInt(m.group(2)),
                parallelism = Integer.parseInt(m.group(3));
        if (memory < 8 || memory > 1 << 21 || iterations < 1 || parallelism < 1) return false;
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(password, salt, memory, iterations, parallelism, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Burns the same time as a real check; used when the account does not exist. */
    public void verifyDecoy(char[] password) {
        verifySlowly(password, decoy);
    }

    private byte[] derive(char[] password, byte[] salt, int memory, int iterations, int parallelism, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory).withIterations(iterations).withParallelism(parallelism)
                .withSalt(salt).build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[length];
        byte[] pw = toUtf8(password);
        Future<?> done = hashing.submit(() -> {
            try {
                gen.generateBytes(pw, out);
            } finally {
                java.util.Arrays.fill(pw, (byte) 0);
            }
        });
        awaitUninterruptibly(done);
        return out;
    }

    /** Like the semaphore this replaced, a check is not cut short by an interrupt; the flag is kept. */
    private static void awaitUninterruptibly(Future<?> done) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    done.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    if (e.getCause() instanceof Error err) throw err;
                    throw new IllegalStateException("password hash failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static byte[] toUtf8(char[] password) {
        var buf = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        if (buf.hasArray()) java.util.Arrays.fill(buf.array(), (byte) 0);
        return bytes;
    }
}
