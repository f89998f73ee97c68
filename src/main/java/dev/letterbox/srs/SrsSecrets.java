package dev.letterbox.srs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The SRS secrets file: one secret per line (blank lines and {@code #} comments ignored), the first
 * signs, all are accepted. Rotating: add a new line at the top; remove the old one once the maximum
 * age has passed. Every node that can receive a bounce must have the same file.
 */
public final class SrsSecrets {
    /** Shorter secrets make the hash guessable offline from a few addresses. */
    static final int MIN_LENGTH = 16;

    private SrsSecrets() {}

    /** The secrets in {@code file}; when it does not exist, creates it (owner-only) with one random secret. */
    public static List<byte[]> loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) create(file);
        return load(file);
    }

    /**
     * The secrets in {@code file}.
     *
     * @throws IOException when it cannot be read, holds none, or one is shorter than 16 characters
     */
    public static List<byte[]> load(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) continue;
            if (s.length() < MIN_LENGTH) {
                throw new IOException(file + ": an SRS secret must have at least " + MIN_LENGTH + " characters");
            }
            out.add(s.getBytes(StandardCharsets.UTF_8));
        }
        if (out.isEmpty()) throw new IOException(file + " holds no SRS secret");
        return out;
    }

    private static void create(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String text = "# SRS secrets: the first signs, all are accepted (see README, Forwarding)\n"
                + Base64.getEncoder().withoutPadding().encodeToString(random) + "\n";
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // written whole under another name, then linked in: a second process starting at the same
        // moment finds either no file or a complete one, and one of the two links wins
        Path temp = Files.createTempFile(dir, ".srs-", ".tmp"); // owner-only on POSIX systems
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.createLink(file, temp);
        } catch (FileAlreadyExistsException e) {
            // another process made it first: use theirs
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
