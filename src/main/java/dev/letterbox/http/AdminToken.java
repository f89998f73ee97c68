package dev.letterbox.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The admin API's bearer token. It is 32 random bytes (base64url, 43 characters), shown once when
 * made and stored only as its SHA-256 in {@code DATA/admin-token.sha256} (mode 0600): a token this
 * random needs no slow hash, and comparing hashes in constant time gives nothing away. The file is
 * read on every check, so {@code letterbox admin-token --rotate} takes effect at once, also while
 * the server runs.
 */
public final class AdminToken {
    static final String FILE = "admin-token.sha256";
    private static final String PREFIX = "sha256:";
    private static final int MAX_PRESENTED_LENGTH = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminToken() {}

    /** Replaces the token (the old one stops working at once) and returns the new one. */
    public static String rotate(Path dataDir) throws IOException {
        String token = newToken();
        store(dataDir, token);
        return token;
    }

    public static boolean exists(Path dataDir) {
        return Files.isRegularFile(dataDir.resolve(FILE));
    }

    /**
     * Whether {@code presented} is the current token; false when none is stored. An unreadable or
     * damaged hash file is the server's problem, not the client's: {@link UncheckedIOException}.
     */
    static boolean matches(Path dataDir, String presented) {
        if (presented.isEmpty() || presented.length() > MAX_PRESENTED_LENGTH) return false;
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) return false;
        try {
            String stored = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!stored.startsWith(PREFIX)) throw damaged(file);
            byte[] expected;
            try {
                expected = HexFormat.of().parseHex(stored.substring(PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw damaged(file);
            }
            return MessageDigest.isEqual(expected, sha256(presented));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static IOException damaged(Path file) {
        return new IOException(file + " is not a token hash; make a new token with 'letterbox admin-token --rotate'");
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void store(Path dataDir, String token) throws IOException {
        Files.createDirectories(dataDir);
        Path tmp = Files.createTempFile(dataDir, FILE, ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the data directory's own protection applies
            }
            Files.writeString(tmp, PREFIX + HexFormat.of().formatHex(sha256(token)) + "\n", StandardCharsets.US_ASCII);
            Path target = dataDir.resolve(FILE);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
