package dev.letterbox.dkim;

import static dev.letterbox.dkim.SignedMessages.bytes;
import static dev.letterbox.dkim.SignedMessages.concat;
import static dev.letterbox.dkim.SignedMessages.newKey;
import static dev.letterbox.dkim.SignedMessages.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dkim.DkimResult.Status;
import dev.letterbox.dns.DnsResolver;
import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.testing.TestDnsServer;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DKIM verification against keys served by a real DNS server on loopback: the RFCs' own signed
 * examples, then every way a signature can be wrong, each with the result word RFC 8601 gives it.
 */
class DkimVerifierTest {
    /** RFC 6376 Appendix A.2, signed with the key of Appendix C (simple/simple). */
    static final String RFC6376_SIGNED = String.join("\r\n",
            "DKIM-Signature: v=1; a=rsa-sha256; s=brisbane; d=example.com;",
            "      c=simple/simple; q=dns/txt; i=joe@football.example.com;",
            "      h=Received : From : To : Subject : Date : Message-ID;",
            "      bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            "      b=AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB",
            "        4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+NahM6L/LbvaHut",
            "        KVdkLLkpVaVVQPzeRDI009SO2Il5Lu7rDNH6mZckBdrIx0orEtZV",
            "        4bmp/YzhwvcubU4=;",
            "Received: from client1.football.example.com  [192.0.2.1]",
            "      by submitserver.example.com with SUBMISSION;",
            "      Fri, 11 Jul 2003 21:01:54 -0700 (PDT)",
            "From: Joe SixPack <joe@football.example.com>",
            "To: Suzie Q <suzie@shopping.example.net>",
            "Subject: Is dinner ready?",
            "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
            "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
            "",
            "Hi.",
            "",
            "We lost the game. Are you hungry yet?",
            "",
            "Joe.",
            "");
    static final String RFC6376_KEY = "v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB";

    /** RFC 8463 Appendix A.3: one message signed with Ed25519 (brisbane) and RSA (test), relaxed/relaxed. */
    static final String RFC8463_SIGNED = String.join("\r\n",
            "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;",
            " d=football.example.com; i=@football.example.com;",
            " q=dns/txt; s=brisbane; t=1528637909; h=from : to :",
            " subject : date : message-id : from : subject : date;",
            " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus",
            " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==",
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;",
            " d=football.example.com; i=@football.example.com;",
            " q=dns/txt; s=test; t=1528637909; h=from : to : subject :",
            " date : message-id : from : subject : date;",
            " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3",
            " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz",
            " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=",
            "From: Joe SixPack <joe@football.example.com>",
            "To: Suzie Q <suzie@shopping.example.net>",
            "Subject: Is dinner ready?",
            "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
            "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
            "",
            "Hi.",
            "",
            "We lost the game.  Are you hungry yet?",
            "",
            "Joe.",
            "",
            "");
    static final String RFC8463_ED25519_KEY = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    static final String RFC8463_RSA_KEY = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

    static final String MESSAGE = String.join("\r\n",
            "From: Alice <alice@example.org>",
            "To: bob@example.net",
            "Subject: the  plan",
            "Date: Sun, 22 Nov 2026 10:00:00 +0000",
            "Message-ID: <plan@example.org>",
            "",
            "Meet at noon.",
            "Bring the  map.",
            "");

    private TestDnsServer dns;
    private DkimVerifier verifier;
    private DkimKey rsa;
    private DkimKey ed;

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer();
        verifier = new DkimVerifier(resolver(dns.address()), DkimVerifier.DEFAULT_MAX_SIGNATURES, Clock.systemUTC());
        dns.txtLong("brisbane._domainkey.example.com", RFC6376_KEY);
        dns.txt("brisbane._domainkey.football.example.com", RFC8463_ED25519_KEY);
        dns.txtLong("test._domainkey.football.example.com", RFC8463_RSA_KEY);
        rsa = newKey("example.org", "r1", DkimAlgorithm.RSA_SHA256, 2048);
        ed = newKey("example.org", "e1", DkimAlgorithm.ED25519_SHA256, 0);
        dns.txtLong(rsa.recordName(), rsa.recordValue());
        dns.txt(ed.recordName(), ed.recordValue());
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    static DnsResolver resolver(String server) {
        return new DnsjavaResolver(List.of(server), Duration.ofSeconds(2));
    }

    private DkimResults verify(byte[] message) {
        return SignedMessages.verify(verifier, message, Instant.now().plusSeconds(10));
    }

    private DkimResult only(byte[] message) {
        DkimResults results = verify(message);
        assertEquals(1, results.signatures().size(), results.toString());
        return results.signatures().get(0);
    }

    private static void assertStatus(Status expected, String reasonPart, DkimResult result) {
        assertEquals(expected, result.status(), result.toString());
        assertTrue(result.reason().contains(reasonPart), "reason '" + result.reason() + "' should mention '" + reasonPart + "'");
    }

    @Test
    void rfc6376AppendixAExampleVerifies() {
        DkimResult r = only(bytes(RFC6376_SIGNED));
        assertEquals(new DkimResult(Status.PASS, "example.com", "joe@football.example.com", "brisbane", "rsa-sha256", "AuUoFEfD",
                "signature verified", false), r);
    }

    @Test
    void rfc8463ExampleVerifiesBothSignatures() {
        DkimResults results = verify(bytes(RFC8463_SIGNED));
        assertEquals(2, results.signatures().size());
        DkimResult edResult = results.signatures().get(0), rsaResult = results.signatures().get(1);
        assertEquals(Status.PASS, edResult.status(), edResult.toString());
        assertEquals("ed25519-sha256", edResult.algorithm());
        assertEquals("brisbane", edResult.selector());
        assertEquals("/gCrinpc", edResult.signaturePrefix());
        assertEquals(Status.PASS, rsaResult.status(), rsaResult.toString());
        assertEquals("@football.example.com", rsaResult.identity());
        assertEquals(0, results.notChecked());
    }

    @Test
    void aChangedBodyFailsTheBodyHash() {
        DkimResults results = verify(bytes(RFC8463_SIGNED.replace("hungry", "angry")));
        for (DkimResult r : results.signatures()) assertStatus(Status.FAIL, "body hash did not verify", r);
        assertStatus(Status.FAIL, "body hash", only(bytes(RFC6376_SIGNED.replace("Joe.", "Joe!"))));
    }

    @Test
    void aChangedSignedHeaderFailsTheSignature() {
        for (DkimResult r : verify(bytes(RFC8463_SIGNED.replace("dinner", "lunch"))).signatures()) {
            assertStatus(Status.FAIL, "signature did not verify", r);
        }
        // h= lists From twice: a From added on top is covered by the second one and breaks it
        for (DkimResult r : verify(bytes(RFC8463_SIGNED.replace("From: Joe", "From: Mallory <m@evil.example>\r\nFrom: Joe"))).signatures()) {
            assertStatus(Status.FAIL, "signature did not verify", r);
        }
        // a field no signature covers may be added
        for (DkimResult r : verify(bytes(RFC8463_SIGNED.replace("Message-ID:", "X-Mailer: any\r\nMessage-ID:"))).signatures()) {
            assertEquals(Status.PASS, r.status());
        }
    }

    @Test
    void simpleCanonicalisationRefusesWhatRelaxedTolerates() throws Exception {
        byte[] msg = bytes(MESSAGE);
        byte[] simple = signed(rsa, "v=1; a=rsa-sha256; c=simple/simple; d=example.org; s=r1; h=from:to:subject", msg);
        byte[] relaxed = signed(rsa, "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=r1; h=from:to:subject", msg);
        assertEquals(Status.PASS, only(simple).status());
        assertEquals(Status.PASS, only(relaxed).status());
        // whitespace changed inside a signed header and the body, trailing empty lines added
        String reshaped = "Subject:  the \t plan\r\n";
        byte[] simpleChanged = bytes(new String(simple, java.nio.charset.StandardCharsets.UTF_8)
                .replace("Subject: the  plan\r\n", reshaped).replace("the  map.", "the map.  ") + "\r\n\r\n");
        byte[] relaxedChanged = bytes(new String(relaxed, java.nio.charset.StandardCharsets.UTF_8)
                .replace("Subject: the  plan\r\n", reshaped).replace("the  map.", "the map.  ") + "\r\n\r\n");
        assertStatus(Status.FAIL, "body hash", only(simpleChanged));
        assertEquals(Status.PASS, only(relaxedChanged).status());
        // trailing empty lines alone are fine under simple too
        assertEquals(Status.PASS, only(concat("", bytes(new String(simple, java.nio.charset.StandardCharsets.UTF_8) + "\r\n\r\n"))).status());
    }

    @Test
    void ed25519AndRsaKeysOfOurOwn() throws Exception {
        byte[] msg = bytes(MESSAGE);
        assertEquals(Status.PASS, only(signed(ed, "v=1; a=ed25519-sha256; c=relaxed/simple; d=example.org; s=e1; h=from:subject", msg)).status());
        // the key of one algorithm does not verify the other's signatures
        assertStatus(Status.PERMERROR, "does not match", only(signed(rsa, "v=1; a=rsa-sha256; d=example.org; s=e1; h=from", msg)));
    }

    @Test
    void revokedKeyFails() throws Exception {
        dns.txt("gone._domainkey.example.org", "v=DKIM1; k=rsa; p=");
        DkimKey gone = new DkimKey("example.org", "gone", DkimAlgorithm.RSA_SHA256, rsa.privateKey(), rsa.publicKey());
        assertStatus(Status.FAIL, "revoked", only(signed(gone, "v=1; a=rsa-sha256; d=example.org; s=gone; h=from", bytes(MESSAGE))));
    }

    @Test
    void testingKeyPassesFlaggedAndItsFailuresAreNeutral() throws Exception {
        dns.txt("try._domainkey.example.org", ed.recordValue() + "; t=y");
        DkimKey trial = new DkimKey("example.org", "try", DkimAlgorithm.ED25519_SHA256, ed.privateKey(), ed.publicKey());
        byte[] good = signed(trial, "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org; s=try; h=from:subject", bytes(MESSAGE));
        DkimResult pass = only(good);
        assertEquals(Status.PASS, pass.status());
        assertTrue(pass.testing());
        DkimResult broken = only(bytes(new String(good, java.nio.charset.StandardCharsets.UTF_8).replace("noon", "midnight")));
        assertStatus(Status.NEUTRAL, "testing mode", broken);
        assertTrue(broken.testing());
    }

    @Test
    void expiredAndFutureSignatures() throws Exception {
        long now = Instant.now().getEpochSecond();
        byte[] msg = bytes(MESSAGE);
        String base = "v=1; a=ed25519-sha256; d=example.org; s=e1; h=from; ";
        assertStatus(Status.PERMERROR, "expired", only(signed(ed, base + "t=" + (now - 7200) + "; x=" + (now - 3600), msg)));
        assertStatus(Status.PERMERROR, "future", only(signed(ed, base + "t=" + (now + 7200), msg)));
        // a few minutes of clock difference are tolerated both ways
        assertEquals(Status.PASS, only(signed(ed, base + "t=" + (now + 120) + "; x=" + (now + 3600), msg)).status());
        assertEquals(Status.PASS, only(signed(ed, base + "t=" + (now - 7200) + "; x=" + (now - 120), msg)).status());
        assertStatus(Status.NEUTRAL, "x= is not after t=", only(signed(ed, base + "t=" + now + "; x=" + (now - 1), msg)));
    }

    @Test
    void bodyLengthLimitIsUnsafeWhenItLeavesContentUnsigned() throws Exception {
        byte[] msg = bytes(MESSAGE); // canonical body "Meet at noon.\r\nBring the  map.\r\n" is 32 octets (simple)
        String tags = "v=1; a=ed25519-sha256; d=example.org; s=e1; h=from; l=";
        assertEquals(Status.PASS, only(signed(ed, tags + 32, msg)).status(), "l= covering the whole body");
        assertStatus(Status.POLICY, "leaves 17 octets of the body unsigned", only(signed(ed, tags + 15, msg)));
        // what l= invites: content appended after signing, the signed part unchanged
        byte[] appended = bytes(new String(signed(ed, tags + 32, msg), java.nio.charset.StandardCharsets.UTF_8) + "Click here!\r\n");
        assertStatus(Status.POLICY, "leaves 13 octets", only(appended));
        // an l= beyond the body covers all of it
        assertEquals(Status.PASS, only(signed(ed, tags + 999999, msg)).status());
        assertEquals(Status.PASS, only(signed(ed, tags + "9".repeat(76), msg)).status());
    }

    @Test
    void rfc8301RefusesSha1AndShortRsaKeys() throws Exception {
        byte[] sha1 = bytes(RFC6376_SIGNED.replace("a=rsa-sha256", "a=rsa-sha1"));
        assertStatus(Status.POLICY, "rsa-sha1", only(sha1));
        DkimKey small = newKey("example.org", "small", DkimAlgorithm.RSA_SHA256, 512);
        dns.txt(small.recordName(), small.recordValue());
        assertStatus(Status.POLICY, "512 bits", only(signed(small, "v=1; a=rsa-sha256; d=example.org; s=small; h=from", bytes(MESSAGE))));
        DkimKey minimum = newKey("example.org", "k1024", DkimAlgorithm.RSA_SHA256, 1024);
        dns.txtLong(minimum.recordName(), minimum.recordValue());
        assertEquals(Status.PASS, only(signed(minimum, "v=1; a=rsa-sha256; d=example.org; s=k1024; h=from", bytes(MESSAGE))).status());
    }

    @Test
    void keyRecordsAreCheckedAgainstTheSignature() throws Exception {
        String p = ed.recordValue().substring(ed.recordValue().indexOf("p="));
        String[][] cases = {
            {"hashes", "v=DKIM1; k=ed25519; h=sha1; " + p, "PERMERROR", "h= does not allow sha256"},
            {"tlsrpt", "v=DKIM1; k=ed25519; s=tlsrpt; " + p, "PERMERROR", "s= does not include email"},
            {"anysvc", "v=DKIM1; k=ed25519; s=*; h=sha256; " + p, "PASS", ""},
            {"version", "k=ed25519; v=DKIM1; " + p, "PERMERROR", "v=DKIM1"},
            {"dkim2", "v=DKIM2; k=ed25519; " + p, "PERMERROR", "v=DKIM1"},
            {"nokey", "v=DKIM1; k=ed25519", "PERMERROR", "no p="},
            {"notb64", "v=DKIM1; k=ed25519; p=!!!", "PERMERROR", "not base64"},
            {"dup", "v=DKIM1; k=ed25519; " + p + "; " + p, "PERMERROR", "given twice"},
            {"junk", "some other text entirely", "PERMERROR", "not tag=value"},
            {"unknownflag", "v=DKIM1; k=ed25519; t=z:q; n=notes; x=unknown; " + p, "PASS", ""},
        };
        for (String[] c : cases) {
            dns.txt(c[0] + "._domainkey.example.org", c[1]);
            DkimKey key = new DkimKey("example.org", c[0], DkimAlgorithm.ED25519_SHA256, ed.privateKey(), ed.publicKey());
            DkimResult r = only(signed(key, "v=1; a=ed25519-sha256; d=example.org; s=" + c[0] + "; h=from", bytes(MESSAGE)));
            assertStatus(Status.valueOf(c[2]), c[3], r);
        }
    }

    @Test
    void strictKeyRefusesSubdomainIdentities() throws Exception {
        dns.txt("strict._domainkey.example.org", ed.recordValue() + "; t=s");
        DkimKey key = new DkimKey("example.org", "strict", DkimAlgorithm.ED25519_SHA256, ed.privateKey(), ed.publicKey());
        String tags = "v=1; a=ed25519-sha256; d=example.org; s=strict; h=from; i=";
        assertEquals(Status.PASS, only(signed(key, tags + "alice@example.org", bytes(MESSAGE))).status());
        assertStatus(Status.PERMERROR, "t=s", only(signed(key, tags + "alice@news.example.org", bytes(MESSAGE))));
    }

    @Test
    void missingKeysAndDnsTrouble() throws Exception {
        DkimKey absent = newKey("example.org", "absent", DkimAlgorithm.ED25519_SHA256, 0);
        assertStatus(Status.PERMERROR, "no key record at absent._domainkey.example.org",
                only(signed(absent, "v=1; a=ed25519-sha256; d=example.org; s=absent; h=from", bytes(MESSAGE))));
        dns.servfail("broken._domainkey.example.org");
        DkimKey broken = newKey("example.org", "broken", DkimAlgorithm.ED25519_SHA256, 0);
        assertStatus(Status.TEMPERROR, "DNS error",
                only(signed(broken, "v=1; a=ed25519-sha256; d=example.org; s=broken; h=from", bytes(MESSAGE))));
    }

    @Test
    void aDnsServerThatNeverAnswersCostsNoMoreThanTheDeadline() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            DkimVerifier slow = new DkimVerifier(new DnsjavaResolver(List.of("127.0.0.1:" + silent.getLocalPort()), Duration.ofSeconds(30)));
            long started = System.nanoTime();
            DkimResults results = SignedMessages.verify(slow, bytes(RFC8463_SIGNED), Instant.now().plusMillis(300));
            long millis = (System.nanoTime() - started) / 1_000_000;
            for (DkimResult r : results.signatures()) assertStatus(Status.TEMPERROR, "did not finish in time", r);
            assertTrue(millis < 5000, "took " + millis + " ms");
        }
    }

    @Test
    void malformedSignaturesAreNeutral() {
        String[][] cases = {
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=x; s=y", "given twice"},
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from", "required tag s= is missing"},
            {"v=2; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=x", "unsupported version"},
            {"a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=x", "required tag v= is missing"},
            {"v=1; a=rsa-md5; b=AAAA; bh=AAAA; d=example.com; h=from; s=x", "unknown algorithm"},
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=to:subject; s=x", "does not include From"},
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=x; i=joe@example.net", "not within d="},
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=x; i=joe@badexample.com", "not within d="},
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=x; c=fancy/simple", "unknown canonicalization"},
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=x; q=http/well-known", "unsupported query method"},
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=x; l=-5", "not a number"},
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=x; t=1234567890123", "not a number"},
            {"v=1; a=rsa-sha256; b=A*A; bh=AAAA; d=example.com; h=from; s=x", "b= is not base64"},
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=exa mple.com; h=from; s=x", "not a domain name"},
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=../../etc", "not a selector"},
            {"v=1; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from::to; s=x", "empty field name"},
            {"v=1; 1a=x; a=rsa-sha256; b=AAAA; bh=AAAA; d=example.com; h=from; s=x", "not a tag name"},
            {"v=1; a=rsa-sha256; garbage; d=example.com", "not tag=value"},
        };
        for (String[] c : cases) {
            DkimResult r = only(concat("DKIM-Signature: " + c[0] + "\r\n", bytes(MESSAGE)));
            assertStatus(Status.NEUTRAL, c[1], r);
        }
        // what a broken signature says about itself is still reported
        DkimResult r = only(concat("DKIM-Signature: v=1; a=rsa-sha256; b=QUJDREVGR0hJSktM; d=example.com; s=sel; h=to\r\n", bytes(MESSAGE)));
        assertEquals(List.of("example.com", "@example.com", "sel", "rsa-sha256", "QUJDREVG"),
                List.of(r.domain(), r.identity(), r.selector(), r.algorithm(), r.signaturePrefix()));
    }

    @Test
    void hugeSignaturesAreRefusedUnread() {
        String hugeB = "v=1; a=rsa-sha256; bh=AAAA; d=example.com; h=from; s=x; b=" + "QUFB".repeat(2000);
        assertStatus(Status.NEUTRAL, "b= is longer than", only(concat("DKIM-Signature: " + hugeB + "\r\n", bytes(MESSAGE))));
        String hugeField = "v=1; a=rsa-sha256; bh=AAAA; d=example.com; h=from; s=x; b=AAAA; z=" + "x".repeat(70_000);
        assertStatus(Status.NEUTRAL, "longer than", only(concat("DKIM-Signature: " + hugeField + "\r\n", bytes(MESSAGE))));
    }

    @Test
    void aThousandSignaturesCostFiveChecks() throws Exception {
        // (the signatures need not verify: no key is published for them, and most are never looked at)
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            many.append("DKIM-Signature: v=1; a=ed25519-sha256; c=").append(i % 2 == 0 ? "relaxed/relaxed" : "simple/simple")
                    .append("; d=example.org; s=s").append(i).append("; h=from; l=").append(i + 5)
                    .append(";\r\n\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=").append("QUJD".repeat(20)).append("\r\n");
        }
        byte[] message = concat(many.toString(), bytes(MESSAGE));
        BodyHashes body = new BodyHashes();
        long started = System.nanoTime();
        DkimVerification v = verifier.start(SignedMessages.header(message), body);
        SignedMessages.feed(body, message);
        DkimResults results = v.finish(Instant.now().plusSeconds(10));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(5, results.signatures().size());
        assertEquals(995, results.notChecked());
        assertEquals(5, body.distinct(), "only the checked signatures' body hashes are computed");
        for (DkimResult r : results.signatures()) assertStatus(Status.PERMERROR, "no key record", r);
        assertTrue(millis < 5000, "took " + millis + " ms");
    }

    @Test
    void signaturesSharingCanonicalisationShareOneBodyHash() throws Exception {
        byte[] msg = bytes(MESSAGE);
        byte[] twice = signed(ed, "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org; s=e1; h=from", msg);
        byte[] thrice = signed(rsa, "v=1; a=rsa-sha256; c=simple/relaxed; d=example.org; s=r1; h=from:to", twice);
        byte[] four = signed(rsa, "v=1; a=rsa-sha256; c=simple/simple; d=example.org; s=r1; h=from:to", thrice);
        BodyHashes body = new BodyHashes();
        DkimVerification v = verifier.start(SignedMessages.header(four), body);
        SignedMessages.feed(body, four);
        DkimResults results = v.finish(Instant.now().plusSeconds(10));
        assertEquals(2, body.distinct(), "relaxed once, simple once");
        assertEquals(List.of(Status.PASS, Status.PASS, Status.PASS), results.signatures().stream().map(DkimResult::status).toList());
    }

    @Test
    void unsignedMessage() {
        DkimResults results = verify(bytes(MESSAGE));
        assertTrue(results.unsigned());
        assertTrue(results.passing().isEmpty());
    }

    @Test
    void headerBPrefixesTellSignaturesApart() {
        assertEquals("ABCDEFGH", DkimVerification.prefix(List.of("ABCDEFGHIJ", "XYZ"), 0));
        assertEquals("ABCDEFGHIJK1", DkimVerification.prefix(List.of("ABCDEFGHIJK1", "ABCDEFGHIJK2"), 0));
        assertEquals("ABC", DkimVerification.prefix(List.of("ABC", "ABD"), 0));
    }
}
