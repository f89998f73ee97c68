package dev.letterbox.arc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dkim.BodyHash;
import dev.letterbox.dkim.BodyHashes;
import dev.letterbox.dkim.Canonicalization;
import dev.letterbox.dkim.DkimAlgorithm;
import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimVerification;
import dev.letterbox.dkim.DkimVerifier;
import dev.letterbox.dkim.MessageHeader;
import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.testing.PythonDkim;
import dev.letterbox.testing.TestDnsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARC (RFC 8617): chains we seal validate with ours and with python3-dkim's, chains it seals
 * validate with ours, mixed chains work both ways, and every structural or cryptographic defect
 * fails the chain. Keys are served by a DNS server on loopback.
 */
class ArcTest {
    static final String MESSAGE = String.join("\r\n",
            "Authentication-Results: mx.python.example; spf=pass smtp.mailfrom=ana@example.org",
            "From: Ana <ana@example.org>",
            "To: list@lists.example",
            "Subject: Forwarded  twice",
            "Date: Sun, 22 Nov 2026 10:00:00 +0000",
            "Message-ID: <arc@example.org>",
            "",
            "Hello list.",
            "");
    static final String OUR_RESULTS = "mx.letterbox.example; dkim=none; spf=pass smtp.mailfrom=ana@example.org";

    @TempDir
    static Path dir;
    static TestDnsServer dns;
    static DkimKey ours; // RSA: dkimpy's ARC signs with RSA only
    static DkimKey oursEd;
    static DkimKey python;
    static ArcVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        dns = new TestDnsServer();
        ours = key("letterbox.example", "arc", DkimAlgorithm.RSA_SHA256);
        oursEd = key("letterbox.example", "arced", DkimAlgorithm.ED25519_SHA256);
        python = key("python.example", "seal", DkimAlgorithm.RSA_SHA256);
        for (DkimKey k : List.of(ours, oursEd, python)) dns.txtLong(k.recordName(), k.recordValue());
        verifier = new ArcVerifier(new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    static DkimKey key(String domain, String selector, DkimAlgorithm algorithm) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm == DkimAlgorithm.RSA_SHA256 ? "RSA" : "Ed25519");
        if (algorithm == DkimAlgorithm.RSA_SHA256) gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        return new DkimKey(domain, selector, algorithm, pair.getPrivate(), pair.getPublic());
    }

    static Map<String, String> records() {
        return Map.of(ours.recordName(), ours.recordValue(), oursEd.recordName(), oursEd.recordValue(), python.recordName(), python.recordValue());
    }

    static int bodyStart(String message) {
        return message.indexOf("\r\n\r\n") + 4;
    }

    /** Validates as the pipeline does: header first, then the body in chunks. */
    static ArcResult validate(String message) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        int start = bodyStart(message);
        BodyHashes body = new BodyHashes();
        ArcVerification arc = verifier.start(MessageHeader.parse(b, 0, start), body);
        for (int i = start; i < b.length; i += 5) body.update(b, i, Math.min(5, b.length - i));
        return arc.finish(Instant.now().plusSeconds(10));
    }

    /** Seals {@code message} as we would when passing it on, after validating its chain. */
    static String seal(String message, DkimKey key) {
        return seal(message, key, validate(message));
    }

    /** Seals {@code message} with the chain status found earlier (before the message was changed). */
    static String seal(String message, DkimKey key, ArcResult chain) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        int start = bodyStart(message);
        MessageHeader header = MessageHeader.parse(b, 0, start);
        BodyHashes body = new BodyHashes();
        BodyHash hash = body.request(Canonicalization.RELAXED, -1);
        body.update(b, start, b.length - start);
        List<String> fields = ArcSealer.seal(header, hash.digest(), OUR_RESULTS, chain, key, Instant.now());
        return String.join("", fields) + message;
    }

    private static void assertResult(ArcResult.Status status, int instances, String reasonPart, ArcResult result) {
        assertEquals(status, result.status(), result.toString());
        assertEquals(instances, result.instances(), result.toString());
        assertTrue(result.reason().contains(reasonPart), "reason '" + result.reason() + "' should mention '" + reasonPart + "'");
    }

    @Test
    void noArcFieldsIsNone() {
        assertEquals(ArcResult.none(), validate(MESSAGE));
    }

    @Test
    void ourSealsValidateWithOursAndWithDkimpy() throws Exception {
        // RFC 8617 §5.1 step 1: signing comes before sealing
        String signed = String.join("", dev.letterbox.dkim.DkimSigner.sign(
                new java.io.ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.UTF_8)), List.of(oursEd), Instant.now())) + MESSAGE;
        String once = seal(signed, ours);
        assertTrue(once.startsWith("ARC-Seal: i=1; a=rsa-sha256; t="), once);
        assertTrue(once.contains(":from:subject:date:to:message-id:dkim-signature;"), "the AMS covers the DKIM signature: " + once);
        assertTrue(once.contains("cv=none"), once);
        assertTrue(once.contains("ARC-Authentication-Results: i=1; " + OUR_RESULTS + "\r\n"), once);
        assertResult(ArcResult.Status.PASS, 1, "1 ARC set verified", validate(once));
        assertTrue(PythonDkim.arcVerify(dir, once.getBytes(StandardCharsets.UTF_8), records()).startsWith("pass"));
        String twice = seal(once, oursEd);
        assertTrue(twice.startsWith("ARC-Seal: i=2; a=ed25519-sha256;"), twice);
        assertTrue(twice.contains("cv=pass"), twice);
        ArcResult result = validate(twice);
        assertResult(ArcResult.Status.PASS, 2, "2 ARC sets verified", result);
        assertEquals(0, result.oldestPass(), "every AMS still verifies");
    }

    @Test
    void dkimpySealsValidateWithOursAndMixedChainsWorkBothWays() throws Exception {
        String first = new String(PythonDkim.arcSign(dir, MESSAGE.getBytes(StandardCharsets.UTF_8), python, "mx.python.example"), StandardCharsets.UTF_8);
        assertTrue(first.startsWith("ARC-Seal: i=1;"), first);
        assertResult(ArcResult.Status.PASS, 1, "verified", validate(first));
        String second = seal(first, ours);
        assertTrue(PythonDkim.arcVerify(dir, second.getBytes(StandardCharsets.UTF_8), records()).startsWith("pass"), second);
        // dkimpy takes cv from the arc= result in the Authentication-Results of its authserv-id
        String third = new String(PythonDkim.arcSign(dir, ("Authentication-Results: mx.python.example; arc=pass\r\n" + second)
                .getBytes(StandardCharsets.UTF_8), python, "mx.python.example"), StandardCharsets.UTF_8);
        assertTrue(third.contains("i=3; cv=pass"), third);
        assertResult(ArcResult.Status.PASS, 3, "3 ARC sets verified", validate(third));
    }

    @Test
    void aBodyChangedBetweenHopsMovesOldestPass() {
        String once = seal(MESSAGE, ours);
        // a mailing list validates the chain, adds a footer, then seals: the first AMS no longer
        // verifies, the chain still does
        ArcResult onArrival = validate(once);
        String footer = once + "-- \r\nlist footer\r\n";
        String twice = seal(footer, ours, onArrival);
        ArcResult result = validate(twice);
        assertResult(ArcResult.Status.PASS, 2, "verified", result);
        assertEquals(2, result.oldestPass());
        // without the second seal the change breaks the newest AMS: fail
        assertResult(ArcResult.Status.FAIL, 1, "ARC-Message-Signature i=1: body hash did not verify", validate(footer));
    }

    @Test
    void tamperingFailsTheChain() {
        String twice = seal(seal(MESSAGE, ours), ours);
        assertResult(ArcResult.Status.FAIL, 2, "ARC-Message-Signature i=2: signature did not verify",
                validate(twice.replace("Subject: Forwarded  twice", "Subject: Forwarded thrice")));
        assertResult(ArcResult.Status.FAIL, 2, "ARC-Seal i=2: signature did not verify",
                validate(twice.replace("i=1; mx.letterbox.example; dkim=none", "i=1; mx.letterbox.example; dkim=pass")));
        assertResult(ArcResult.Status.FAIL, 2, "body hash", validate(twice.replace("Hello list.", "Hello world.")));
    }

    @Test
    void malformedChainsFailBeforeAnyLookup() {
        String once = seal(MESSAGE, ours);
        String[] lines = once.split("\r\n(?=[A-Z])");
        String seal = lines[0] + "\r\n", ams = lines[1] + "\r\n", aar = lines[2] + "\r\n";
        String rest = once.substring(seal.length() + ams.length() + aar.length());
        assertResult(ArcResult.Status.FAIL, 1, "ARC set i=1 has no ARC-Message-Signature", validate(seal + aar + rest));
        assertResult(ArcResult.Status.FAIL, 1, "two ARC-Seal fields with i=1", validate(seal + seal + ams + aar + rest));
        assertResult(ArcResult.Status.FAIL, 2, "ARC set i=1 has no", validate(seal.replace("i=1", "i=2") + ams.replace("i=1", "i=2")
                + aar.replace("i=1", "i=2") + rest));
        assertResult(ArcResult.Status.FAIL, 1, "cv=pass, not none", validate(seal.replace("cv=none", "cv=pass") + ams + aar + rest));
        assertResult(ArcResult.Status.FAIL, 1, "already says cv=fail", validate(seal.replace("cv=none", "cv=fail") + ams + aar + rest));
        assertResult(ArcResult.Status.FAIL, 1, "must not have h=", validate(seal.replace("cv=none;", "cv=none; h=from;") + ams + aar + rest));
        assertResult(ArcResult.Status.FAIL, 1, "must not sign ARC-Seal", validate(seal + ams.replace("h=from:", "h=arc-seal:from:") + aar + rest));
        assertResult(ArcResult.Status.FAIL, 1, "ARC-Authentication-Results has no readable instance", validate(seal + ams + aar.replace("i=1;", "") + rest));
        assertResult(ArcResult.Status.FAIL, 1, "ARC-Seal has instance i=0, not from 1 to 50", validate(seal.replace("i=1;", "i=0;") + ams + aar + rest));
    }

    @Test
    void moreThanFiftySetsFailByCountingAndCannotBeSealed() {
        StringBuilder fake = new StringBuilder();
        for (int i = 1; i <= 51; i++) {
            fake.append("ARC-Seal: i=").append(i).append("; cv=pass; a=rsa-sha256; d=x.example; s=s; b=AAAA\r\n")
                    .append("ARC-Message-Signature: i=").append(i).append("; a=rsa-sha256; d=x.example; s=s; h=from; bh=AAAA; b=AAAA\r\n")
                    .append("ARC-Authentication-Results: i=").append(i).append("; x.example; none\r\n");
        }
        ArcResult result = validate(fake + MESSAGE);
        assertResult(ArcResult.Status.FAIL, 51, "more than 50 ARC sets", result);
        MessageHeader header = MessageHeader.parse((fake + "From: a\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of(), ArcSealer.seal(header, new byte[32], OUR_RESULTS, result, ours, Instant.now()));
        assertResult(ArcResult.Status.FAIL, 51, "not from 1 to 50",
                validate("ARC-Seal: i=51; cv=pass; a=rsa-sha256; d=x.example; s=s; b=AAAA\r\n" + MESSAGE));
    }

    @Test
    void aFailedChainIsSealedWithCvFail() throws Exception {
        String broken = seal(MESSAGE, ours).replace("Hello list.", "Hello world.");
        ArcResult chain = validate(broken);
        assertEquals(ArcResult.Status.FAIL, chain.status());
        String sealed = seal(broken, ours);
        assertTrue(sealed.startsWith("ARC-Seal: i=2; a=rsa-sha256; t="), sealed);
        assertTrue(sealed.substring(0, 60).contains("cv=fail"), sealed);
        assertResult(ArcResult.Status.FAIL, 2, "already says cv=fail", validate(sealed));
        assertTrue(PythonDkim.arcVerify(dir, sealed.getBytes(StandardCharsets.UTF_8), records()).startsWith("fail"));
        // RFC 8617 §5.1 step 2: a chain whose newest seal says cv=fail is not sealed again
        assertEquals(sealed, seal(sealed, ours));
    }

    @Test
    void missingKeysFail() throws Exception {
        DkimKey unpublished = key("letterbox.example", "unpublished", DkimAlgorithm.ED25519_SHA256);
        assertResult(ArcResult.Status.FAIL, 1, "no key record at unpublished._domainkey.letterbox.example", validate(seal(MESSAGE, unpublished)));
    }

    @Test
    void dkimAndArcShareTheBodyHashes() throws Exception {
        String sealed = seal(MESSAGE, ours);
        String signed = String.join("", dev.letterbox.dkim.DkimSigner.sign(
                new java.io.ByteArrayInputStream(sealed.getBytes(StandardCharsets.UTF_8)), List.of(oursEd), Instant.now())) + sealed;
        byte[] b = signed.getBytes(StandardCharsets.UTF_8);
        int start = bodyStart(signed);
        MessageHeader header = MessageHeader.parse(b, 0, start);
        BodyHashes body = new BodyHashes();
        DkimVerification dkim = new DkimVerifier(new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2))).start(header, body);
        ArcVerification arc = verifier.start(header, body);
        body.update(b, start, b.length - start);
        assertEquals(1, body.distinct(), "relaxed/relaxed for both, hashed once");
        assertEquals("pass", dkim.finish(Instant.now().plusSeconds(10)).signatures().get(0).status().word());
        assertEquals(ArcResult.Status.PASS, arc.finish(Instant.now().plusSeconds(10)).status());
    }
}
