package dev.letterbox.net;

import java.time.Duration;

/** Duration conversions for the nanoTime clock used by timeouts. */
final class Durations {
    /** Stands for "no timeout": far enough away that adding it to nanoTime cannot overflow soon. */
    static final long NEVER = Long.MAX_VALUE / 4;

    private Durations() {}

    /** Nanoseconds, with null, zero or negative meaning no timeout, and huge values saturated. */
    static long toNanos(Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            return NEVER;
        }
        try {
            return Math.min(d.toNanos(), NEVER);
        } catch (ArithmeticException tooLong) {
            return NEVER;
        }
    }

    /** "1.5 s", "250 ms": for log lines. */
    static String describe(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
