package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesAreArgon2idSaltedAndVerify() {
        String h1 = hasher.hash("correct horse".toCharArray());
        String h2 = hasher.hash("correct horse".toCharArray());
        assertTrue(h1.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), h1);
        assertNotEquals(h1, h2, "each hash has its own salt");
        assertTrue(hasher.verify("correct horse".toCharArray(), h1));
        assertTrue(hasher.verify("correct horse".toCharArray(), h2));
        assertFalse(hasher.verify("correct horse!".toCharArray(), h1));
        assertFalse(hasher.verify("".toCharArray(), h1));
    }

    @Test
    void nonAsciiPasswordsWork() {
        String h = hasher.hash("pässwörd☃".toCharArray());
        assertTrue(hasher.verify("pässwörd☃".toCharArray(), h));
        assertFalse(hasher.verify("passwörd☃".toCharArray(), h));
    }

    @Test
    void malformedStoredHashesNeverMatch() {
        assertFalse(hasher.verify("x".toCharArray(), null));
        assertFalse(hasher.verify("x".toCharArray(), ""));
        assertFalse(hasher.verify("x".toCharArray(), "x"));
        assertFalse(hasher.verify("x".toCharArray(), "$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA"));
        assertFalse(hasher.verify("x".toCharArray(), "$argon2i$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA"));
    }

    /**
     * A password guesser keeps as many checks running as it likes; each is tens of milliseconds of
     * CPU. Sessions are virtual threads, which the JDK never preempts: were the hash computed on the
     * session's own thread, enough guesses would hold every carrier thread and no other session
     * would run at all (here: the sleeper would never wake). More guessing threads than the JDK
     * has carriers and than checks may run at once, so all of them would be held.
     */
    @Test
    void guessesDoNotStarveOtherVirtualThreads() throws InterruptedException {
        String stored = hasher.hash("the real one".toCharArray());
        int guessers = Runtime.getRuntime().availableProcessors() * 2 + 2;
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        AtomicInteger checks = new AtomicInteger();
        for (int i = 0; i < guessers; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    hasher.verify("a guess".toCharArray(), stored);
                    checks.incrementAndGet();
                }
            }));
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (checks.get() < guessers && System.nanoTime() - deadline < 0) Thread.sleep(10);
            CountDownLatch woke = new CountDownLatch(20);
            Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        Thread.sleep(1);
                        woke.countDown();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(woke.await(10, TimeUnit.SECONDS),
                    "a virtual thread that sleeps 1 ms woke " + (20 - woke.getCount()) + " of 20 times in 10 s"
                            + " while " + guessers + " threads guessed passwords");
        } finally {
            stop.set(true);
            for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(60));
        }
    }
}
