package dev.letterbox.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waiting for something another thread or process does, polling, with a deadline instead of a fixed sleep. */
public final class Eventually {
    private Eventually() {}

    /** Polls {@code probe} until it yields a value; fails naming {@code what} (and the last value seen) at the deadline. */
    public static <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) return v.get();
            if (System.nanoTime() > deadline) fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
    }

    public static void until(Duration timeout, String what, Supplier<Boolean> condition) {
        await(timeout, what, () -> condition.get() ? Optional.of(true) : Optional.empty());
    }
}
