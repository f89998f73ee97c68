package dev.letterbox.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.letterbox.dkim.DkimAlgorithm;
import dev.letterbox.dkim.DkimKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's python3-dkim (dkimpy) as an independent implementation to check ours against, in both
 * directions: it signs and seals messages our verifier must accept, and verifies what we sign and
 * seal. Its DNS lookups are answered from the records the test passes. Skipped when dkimpy (or
 * authres, which its ARC code needs) is not installed, except in CI (LETTERBOX_REQUIRE_TOOLS=1),
 * where .ci/run installs them.
 */
public final class PythonDkim {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = """
            import dkim, json, sys
            cmd = sys.argv[1]
            msg = open(sys.argv[2], 'rb').read()
            def dnsfunc(records):
                def dns(q, timeout=5):
                    return records.get(q.decode().rstrip('.').lower(), '').encode() or None
                return dns
            if cmd == 'sign':
                _, _, _, sel, dom, keyfile, alg, canon, out = sys.argv
                h, b = canon.encode().split(b'/')
                sig = dkim.sign(msg, sel.encode(), dom.encode(), open(keyfile, 'rb').read(),
                                signature_algorithm=alg.encode(), canonicalize=(h, b))
                open(out, 'wb').write(sig + msg)
            elif cmd == 'verify':
                records = json.load(open(sys.argv[3]))
                d = dkim.DKIM(msg)
                count = sum(1 for name, _ in d.headers if name.lower() == b'dkim-signature')
                def verdict(i):
                    try:
                        return d.verify(idx=i, dnsfunc=dnsfunc(records))
                    except dkim.DKIMException as e:
                        print(e, file=sys.stderr)
                        return False
                print(' '.join(str(verdict(i)) for i in range(count)))
            elif cmd == 'arcsign':
                _, _, _, sel, dom, keyfile, srv, out = sys.argv
                fields = dkim.arc_sign(msg, sel.encode(), dom.encode(), open(keyfile, 'rb').read(), srv.encode())
                open(out, 'wb').write(b''.join(fields) + msg)
            elif cmd == 'arcverify':
                records = json.load(open(sys.argv[3]))
                cv, results, reason = dkim.arc_verify(msg, dnsfunc=dnsfunc(records))
                print((cv or b'fail').decode(), reason)
            """;

    private PythonDkim() {}

    /** Skips the calling test when dkimpy cannot run here (never in CI). */
    public static void assumeAvailable() throws Exception {
        boolean available = Files.isExecutable(Path.of(PYTHON))
                && new ProcessBuilder(PYTHON, "-c", "import dkim, nacl, authres").start().waitFor() == 0;
        if (!"1".equals(System.getenv("LETTERBOX_REQUIRE_TOOLS"))) assumeTrue(available, "python3-dkim, python3-nacl or python3-authres not installed");
    }

    /** {@code message} with a DKIM-Signature made by dkimpy prepended; {@code canonicalization} like "relaxed/simple". */
    public static byte[] sign(Path dir, byte[] message, DkimKey key, String canonicalization) throws Exception {
        Path out = dir.resolve("signed-" + System.nanoTime() + ".eml");
        run(dir, "sign", message, key.selector(), key.domain(), keyFile(dir, key).toString(), key.algorithm().tag,
                canonicalization, out.toString());
        return Files.readAllBytes(out);
    }

    /** dkimpy's verdict on each DKIM-Signature of {@code message}, from the top, with these TXT records. */
    public static List<Boolean> verify(Path dir, byte[] message, Map<String, String> records) throws Exception {
        String out = run(dir, "verify", message, json(dir, records).toString()).strip();
        List<Boolean> verdicts = new ArrayList<>();
        if (!out.isEmpty()) for (String word : out.split(" ")) verdicts.add(Boolean.parseBoolean(word.toLowerCase()));
        return verdicts;
    }

    /** {@code message} with the next ARC set made by dkimpy prepended; it needs an Authentication-Results by {@code authservId}. */
    public static byte[] arcSign(Path dir, byte[] message, DkimKey key, String authservId) throws Exception {
        Path out = dir.resolve("sealed-" + System.nanoTime() + ".eml");
        run(dir, "arcsign", message, key.selector(), key.domain(), keyFile(dir, key).toString(), authservId, out.toString());
        return Files.readAllBytes(out);
    }

    /** dkimpy's chain validation status ("pass", "fail", "none") followed by its reason. */
    public static String arcVerify(Path dir, byte[] message, Map<String, String> records) throws Exception {
        return run(dir, "arcverify", message, json(dir, records).toString()).strip();
    }

    /** dkimpy reads RSA keys as PEM (PKCS#8 is fine) and Ed25519 keys as the base64 32-byte seed. */
    private static Path keyFile(Path dir, DkimKey key) throws Exception {
        byte[] pkcs8 = key.privateKey().getEncoded();
        String text = key.algorithm() == DkimAlgorithm.ED25519_SHA256
                ? Base64.getEncoder().encodeToString(Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length))
                : "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
                        + "\n-----END PRIVATE KEY-----\n";
        Path file = Files.createTempFile(dir, "key", ".txt");
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    private static Path json(Path dir, Map<String, String> records) throws Exception {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> e : records.entrySet()) {
            if (sb.length() > 1) sb.append(',');
            sb.append('"').append(e.getKey().toLowerCase()).append("\":\"").append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        Path file = Files.createTempFile(dir, "dns", ".json");
        Files.writeString(file, sb.append('}').toString(), StandardCharsets.UTF_8);
        return file;
    }

    private static String run(Path dir, String command, byte[] message, String... args) throws Exception {
        assumeAvailable();
        Path msgFile = Files.createTempFile(dir, "msg", ".eml");
        Files.write(msgFile, message);
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-c", SCRIPT, command, msgFile.toString()));
        cmd.addAll(List.of(args));
        Path errors = Files.createTempFile(dir, "stderr", ".txt"); // dkimpy logs its reasons there
        Process p = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dkimpy did not finish");
        assertTrue(p.exitValue() == 0, "dkimpy " + command + " failed: " + out + Files.readString(errors));
        return out;
    }
}
