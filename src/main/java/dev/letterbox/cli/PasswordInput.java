package dev.letterbox.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads a password as the first line of standard input (so it never appears in argv or history). */
final class PasswordInput {
    private PasswordInput() {}

    static char[] fromStdin() throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || line.isEmpty()) throw new Main.CliExit(1, "no password on standard input");
        return line.toCharArray();
    }
}
