package dev.letterbox.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's python3-dkim (dkimpy) as an independent implementation to check ours against, in both
 * directions: it signs and seals messages our verifier must accept, and verifies what we sign and
 * seal. Its DNS lookups are answered from the records the test passes. Many jobs run in one
 * Python process, because starting one costs half a second. Skipped when dkimpy (or authres,
 * which its ARC code needs) is not installed, except in CI (LETTERBOX_REQUIRE_TOOLS=1), where
 * .ci/run installs them.
 */
public final class PythonDkim {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = """
            import dkim, json, sys
            spec = json.load(open(sys.argv[1]))
            records = spec['records']
            def dns(q, timeout=5):
                return records.get(q.decode().rstrip('.').lower(), '').encode() or None
            for job in spec['jobs']:
                msg = open(job['msg'], 'rb').read()
                cmd = job['cmd']
                if cmd == 'sign':
                    h, b = job['canon'].encode().split(b'/')
                    sig = dkim.sign(msg, job['sel'].encode(), job['dom'].encode(), open(job['key'], 'rb').read(),
                                    signature_algorithm=job['alg'].encode(), canonicalize=(h, b))
                    open(job['out'], 'wb').write(sig + msg)
                    print('signed')
                elif cmd == 'verify':
                    d = dkim.DKIM(msg)
                    count = sum(1 for name, _ in d.headers if name.lower() == b'dkim-signature')
                    def verdict(i):
                        try:
                            return d.verify(idx=i, dnsfunc=dns)
                        except dkim.DKIMException as e:
                            print(e, file=sys.stderr)
                            return False
                    print(' '.join(str(verdict(i)) for i in range(count)))
                elif cmd == 'arcsign':
                    fields = dkim.arc_sign(msg, job['sel'].encode(), job['dom'].encode(), open(job['key'], 'rb').read(),
                                           job['srv'].encode())
                    open(job['out'], 'wb').write(b''.join(fields) + msg)
                    print('sealed')
                elif cmd == 'arcverify':
                    cv, results, reason = dkim.arc_verify(msg, dnsfunc=dns)
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
        return sign(dir, message, List.of(key), List.of(canonicalization)).get(0);
    }

    /** {@code message} signed by dkimpy with each key under each canonicalisation, keys outermost. */
    public static List<byte[]> sign(Path dir, byte[] message, List<DkimKey> keys, List<String> canonicalizations) throws Exception {
        Path msg = file(dir, message);
        List<Map<String, String>> jobs = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        for (DkimKey key : keys) {
            Path keyFile = keyFile(dir, key);
            for (String c : canonicalizations) {
                Path out = dir.resolve("signed-" + System.nanoTime() + ".eml");
                outs.add(out);
                jobs.add(job("sign", msg, "sel", key.selector(), "dom", key.domain(), "key", keyFile.toString(), "alg",
                        key.algorithm().tag, "canon", c, "out", out.toString()));
            }
        }
        run(dir, jobs, Map.of());
        List<byte[]> signed = new ArrayList<>();
        for (Path out : outs) signed.add(Files.readAllBytes(out));
        return signed;
    }

    /** dkimpy's verdict on each DKIM-Signature of {@code message}, from the top, with these TXT records. */
    public static List<Boolean> verify(Path dir, byte[] message, Map<String, String> records) throws Exception {
        return verify(dir, List.of(message), records).get(0);
    }

    /** The same for several messages at once. */
    public static List<List<Boolean>> verify(Path dir, List<byte[]> messages, Map<String, String> records) throws Exception {
        List<Map<String, String>> jobs = new ArrayList<>();
        for (byte[] m : messages) jobs.add(job("verify", file(dir, m)));
        List<List<Boolean>> verdicts = new ArrayList<>();
        for (String line : run(dir, jobs, records)) {
            List<Boolean> one = new ArrayList<>();
            if (!line.isBlank()) for (String word : line.strip().split(" ")) one.add(Boolean.parseBoolean(word.toLowerCase()));
            verdicts.add(one);
        }
        return verdicts;
    }

    /** {@code message} with the next ARC set made by dkimpy prepended; it needs an Authentication-Results by {@code authservId}. */
    public static byte[] arcSign(Path dir, byte[] message, DkimKey key, String authservId) throws Exception {
        Path out = dir.resolve("sealed-" + System.nanoTime() + ".eml");
        run(dir, List.of(job("arcsign", file(dir, message), "sel", key.selector(), "dom", key.domain(), "key",
                keyFile(dir, key).toString(), "srv", authservId, "out", out.toString())), Map.of());
        return Files.readAllBytes(out);
    }

    /** dkimpy's chain validation status ("pass", "fail", "none") followed by its reason. */
    public static String arcVerify(Path dir, byte[] message, Map<String, String> records) throws Exception {
        return run(dir, List.of(job("arcverify", file(dir, message))), records).get(0).strip();
    }

    private static Map<String, String> job(String cmd, Path msg, String... keysAndValues) {
        Map<String, String> job = new LinkedHashMap<>();
        job.put("cmd", cmd);
        job.put("msg", msg.toString());
        for (int i = 0; i < keysAndValues.length; i += 2) job.put(keysAndValues[i], keysAndValues[i + 1]);
        return job;
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

    private static Path file(Path dir, byte[] content) throws Exception {
        Path file = Files.createTempFile(dir, "msg", ".eml");
        Files.write(file, content);
        return file;
    }

    private static String json(Map<String, String> map) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (sb.length() > 1) sb.append(',');
            sb.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
        }
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Runs the jobs in one process; one line of output per job. */
    private static List<String> run(Path dir, List<Map<String, String>> jobs, Map<String, String> records) throws Exception {
        assumeAvailable();
        Map<String, String> lowerCase = new LinkedHashMap<>();
        records.forEach((name, value) -> lowerCase.put(name.toLowerCase(), value));
        StringBuilder spec = new StringBuilder("{\"records\":").append(json(lowerCase)).append(",\"jobs\":[");
        for (int i = 0; i < jobs.size(); i++) spec.append(i > 0 ? "," : "").append(json(jobs.get(i)));
        Path specFile = Files.createTempFile(dir, "jobs", ".json");
        Files.writeString(specFile, spec.append("]}").toString(), StandardCharsets.UTF_8);
        Path errors = Files.createTempFile(dir, "stderr", ".txt"); // dkimpy logs its reasons there
        Process p = new ProcessBuilder(PYTHON, "-c", SCRIPT, specFile.toString()).redirectError(errors.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "dkimpy did not finish");
        assertTrue(p.exitValue() == 0, "dkimpy failed: " + out + Files.readString(errors));
        List<String> lines = out.lines().toList();
        assertEquals(jobs.size(), lines.size(), "one line per job: " + out);
        return lines;
    }
}
