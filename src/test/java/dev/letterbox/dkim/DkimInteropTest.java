package dev.letterbox.dkim;

import static dev.letterbox.dkim.SignedMessages.bytes;
import static dev.letterbox.dkim.SignedMessages.newKey;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.letterbox.dkim.DkimResult.Status;
import dev.letterbox.testing.PythonDkim;
import dev.letterbox.testing.TestDnsServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our verifier and Debian's python3-dkim agree, in both directions, for RSA and Ed25519 and every
 * combination of simple and relaxed: what dkimpy signs we verify (and a changed body fails), what
 * we sign dkimpy verifies. The message has what canonicalisation cares about: folds, runs of
 * whitespace, trailing whitespace, 8-bit text, empty lines inside and at the end.
 */
class DkimInteropTest {
    static final String MESSAGE = String.join("\r\n",
            "Received: from a by b; Sun, 22 Nov 2026 10:00:00 +0000",
            "From: \"Ana \u00c4\" <ana@example.org>",
            "To: bob@example.net,",
            "   carol@example.net",
            "Subject:  Hello \t  world  ",
            "Date: Sun, 22 Nov 2026 10:00:00 +0000",
            "Message-ID: <interop@example.org>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Hello Bob,  with   spaces\t ",
            "",
            "Gr\u00fc\u00dfe",
            " indented line",
            "",
            "",
            "");
    static final List<String> CANONICALIZATIONS = List.of("relaxed/relaxed", "simple/simple", "relaxed/simple", "simple/relaxed");

    @TempDir
    static Path dir;
    static TestDnsServer dns;
    static DkimKey rsa;
    static DkimKey ed;
    static DkimVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        dns = new TestDnsServer();
        rsa = newKey("interop.example", "rsa", DkimAlgorithm.RSA_SHA256, 2048);
        ed = newKey("interop.example", "ed", DkimAlgorithm.ED25519_SHA256, 0);
        dns.txtLong(rsa.recordName(), rsa.recordValue());
        dns.txt(ed.recordName(), ed.recordValue());
        verifier = new DkimVerifier(DkimVerifierTest.resolver(dns.address()), 5, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static Map<String, String> records() {
        return Map.of(rsa.recordName(), rsa.recordValue(), ed.recordName(), ed.recordValue());
    }

    private static Status ours(byte[] message) {
        DkimResults results = SignedMessages.verify(verifier, message, Instant.now().plusSeconds(10));
        assertEquals(1, results.signatures().size(), results.toString());
        return results.signatures().get(0).status();
    }

    @Test
    void whatDkimpySignsWeVerify() throws Exception {
        byte[] message = bytes(MESSAGE);
        List<byte[]> signed = PythonDkim.sign(dir, message, List.of(rsa, ed), CANONICALIZATIONS);
        for (int i = 0; i < signed.size(); i++) {
            String what = (i < CANONICALIZATIONS.size() ? "rsa " : "ed25519 ") + CANONICALIZATIONS.get(i % CANONICALIZATIONS.size());
            assertEquals(Status.PASS, ours(signed.get(i)), what);
            String text = new String(signed.get(i), StandardCharsets.UTF_8);
            assertEquals(Status.FAIL, ours(bytes(text.replace("with   spaces", "with spaces!"))), what + ", body changed");
            assertEquals(Status.FAIL, ours(bytes(text.replace("Hello \t  world", "Hello planet"))), what + ", subject changed");
        }
    }

    @Test
    void whatWeSignDkimpyVerifies() throws Exception {
        byte[] message = bytes(MESSAGE);
        // the production signer (relaxed/relaxed, both keys at once)
        List<String> fields = DkimSigner.sign(new ByteArrayInputStream(message), List.of(rsa, ed), Instant.now());
        byte[] signed = SignedMessages.concat(String.join("", fields), message);
        assertEquals(List.of(true, true), PythonDkim.verify(dir, signed, records()));
        assertEquals(Status.PASS, SignedMessages.verify(verifier, signed, Instant.now().plusSeconds(10)).signatures().get(1).status());
        // our canonicalisations in every combination, and l=
        List<byte[]> ours = new ArrayList<>();
        for (DkimKey key : List.of(rsa, ed)) {
            for (String c : CANONICALIZATIONS) {
                String tags = "v=1; a=" + key.algorithm().tag + "; c=" + c + "; d=interop.example; s=" + key.selector()
                        + "; h=from:to:subject:date:message-id:from";
                ours.add(SignedMessages.signed(key, tags, message));
                ours.add(SignedMessages.signed(key, tags + "; l=20", message));
            }
        }
        List<List<Boolean>> verdicts = PythonDkim.verify(dir, ours, records());
        for (int i = 0; i < verdicts.size(); i++) assertEquals(List.of(true), verdicts.get(i), "signature " + i);
    }
}
