package dev.letterbox.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.letterbox.dkim.DkimKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Verifies DKIM signatures with Debian's python3-dkim (dkimpy), its DNS lookup answered from the
 * key, so the check is an independent implementation of RFC 6376/8463. Three outcomes are kept
 * apart: verified, not verified, and the verifier itself failing (a Python exception is a broken
 * check, never "does not verify"). Without dkimpy the check is {@link Verdict#UNAVAILABLE} — an
 * error in CI (LETTERBOX_REQUIRE_TOOLS=1), where .ci/run installs it.
 */
public final class DkimVerifier {
    private static final String PYTHON = "/usr/bin/python3";
    /** The script's own exit codes: anything else (1 for an uncaught exception) is a crash. */
    private static final int VERIFIED = 10, NOT_VERIFIED = 11;
    private static volatile Boolean available;

    private DkimVerifier() {}

    public enum Verdict { VERIFIED, NOT_VERIFIED, UNAVAILABLE }

    /**
     * Checks the first DKIM-Signature of {@code message} against {@code key}'s published record. Fails
     * the test when the verifier crashes, or when it is missing and required.
     */
    public static Verdict check(Path tempDir, byte[] message, DkimKey key) throws Exception {
        if (!available()) {
            assertTrue(!"1".equals(System.getenv("LETTERBOX_REQUIRE_TOOLS")),
                    "python3-dkim and python3-nacl are required (LETTERBOX_REQUIRE_TOOLS=1) but not installed");
            return Verdict.UNAVAILABLE;
        }
        Path msgFile = Files.createTempFile(tempDir, "msg", ".eml");
        Files.write(msgFile, message);
        String script = String.join("\n",
                "import dkim, sys",
                "record = sys.argv[2].encode()",
                "name = sys.argv[3].encode()",
                "def dns(q, timeout=5):",
                "    return record if q.rstrip(b'.') == name else None",
                "msg = open(sys.argv[1], 'rb').read()",
                "sys.exit(" + VERIFIED + " if dkim.verify(msg, dnsfunc=dns) else " + NOT_VERIFIED + ")");
        Process p = new ProcessBuilder(PYTHON, "-c", script, msgFile.toString(), key.recordValue(), key.recordName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "verifier hung");
        return switch (p.exitValue()) {
            case VERIFIED -> Verdict.VERIFIED;
            case NOT_VERIFIED -> Verdict.NOT_VERIFIED;
            default -> fail("the DKIM verifier crashed (exit " + p.exitValue() + "): " + out);
        };
    }

    /** For tests about DKIM alone: true/false, the whole test skipped when dkimpy is missing (locally). */
    public static boolean verifies(Path tempDir, byte[] message, DkimKey key) throws Exception {
        Verdict v = check(tempDir, message, key);
        if (v == Verdict.UNAVAILABLE) abort("python3-dkim not installed");
        return v == Verdict.VERIFIED;
    }

    /**
     * Asserts that each verdict is VERIFIED; when dkimpy is missing (locally), skips only here. Call it
     * last, after a test's other checks, so that a skip never hides them.
     */
    public static void assertAllVerified(Verdict... verdicts) {
        for (int i = 0; i < verdicts.length; i++) {
            if (verdicts[i] == Verdict.UNAVAILABLE) abort("python3-dkim not installed: DKIM signatures not checked");
            assertEquals(Verdict.VERIFIED, verdicts[i], "signature " + (i + 1));
        }
    }

    private static boolean available() throws Exception {
        if (available == null) {
            available = Files.isExecutable(Path.of(PYTHON))
                    && new ProcessBuilder(PYTHON, "-c", "import dkim, nacl").start().waitFor() == 0;
        }
        return available;
    }
}
