package dev.letterbox.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reading an IMAP command's responses as lines, for the commands' tests that look through IMAP. */
final class ImapLines {
    private ImapLines() {}

    /** The lines up to and including the one tagged {@code tag}. */
    static List<String> untilTagged(LineClient c, String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = c.readLine();
            assertTrue(line != null, "connection closed before " + tag + " completed: " + lines);
            lines.add(line);
        } while (!line.startsWith(tag + " "));
        return lines;
    }
}
