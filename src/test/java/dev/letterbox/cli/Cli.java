package dev.letterbox.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@code letterbox ARGS} in this JVM, through {@link Main#run} as the launcher does, with
 * standard input given and standard output and error captured. (It swaps System.in/out/err while
 * it runs: the test JVM runs one test class at a time.)
 */
final class Cli {
    private Cli() {}

    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        return runWithInput("", args);
    }

    /** With {@code stdin} as standard input (a message for {@code deliver}, a password for {@code --password-stdin}). */
    static Result runWithInput(String stdin, String... args) {
        InputStream in = System.in;
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Result(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(in);
            System.setOut(out);
            System.setErr(err);
        }
    }
}
