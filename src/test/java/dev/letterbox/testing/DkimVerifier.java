package dev.letterbox.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.letterbox.dkim.DkimKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Verifies DKIM signatures with Debian's python3-dkim (dkimpy), its DNS lookup answered from the
 * key, so the check is an independent implementation of RFC 6376/8463. Skipped when dkimpy is not
 * installed, except in CI (LETTERBOX_REQUIRE_TOOLS=1), where .ci/run installs it.
 */
public final class DkimVerifier {
    private DkimVerifier() {}

    /** True when the first DKIM-Signature of {@code message} verifies against {@code key}'s published record. */
    public static boolean verifies(Path tempDir, byte[] message, DkimKey key) throws Exception {
        boolean haveDkimpy = Files.isExecutable(Path.of("/usr/bin/python3"))
                && new ProcessBuilder("/usr/bin/python3", "-c", "import dkim, nacl").start().waitFor() == 0;
        if (!"1".equals(System.getenv("LETTERBOX_REQUIRE_TOOLS"))) assumeTrue(haveDkimpy, "python3-dkim not installed");
        Path msgFile = Files.createTempFile(tempDir, "msg", ".eml");
        Files.write(msgFile, message);
        String script = String.join("\n",
                "import dkim, sys",
                "record = sys.argv[2].encode()",
                "name = sys.argv[3].encode()",
                "def dns(q, timeout=5):",
                "    return record if q.rstrip(b'.') == name else None",
                "msg = open(sys.argv[1], 'rb').read()",
                "sys.exit(0 if dkim.verify(msg, dnsfunc=dns) else 1)");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, msgFile.toString(), key.recordValue(), key.recordName())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.exitValue() == 0 || p.exitValue() == 1, "verifier crashed: " + out);
        return p.exitValue() == 0;
    }
}
