package dev.letterbox.sieve;

/** Compiled script code: closures built once by the compiler, run many times without re-parsing. */
final class Code {
    private Code() {}

    /** A command; returns {@link Run#NEXT}, {@link Run#STOP} or {@link Run#RETURN}. */
    @FunctionalInterface
    interface Exec {
        int run(Run r);
    }

    @FunctionalInterface
    interface Cond {
        boolean test(Run r);
    }
}
