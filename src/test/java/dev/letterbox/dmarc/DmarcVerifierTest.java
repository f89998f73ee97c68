package dev.letterbox.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dmarc.DmarcResult.Result;
import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.testing.TestDnsServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DMARC evaluation against a DNS server on loopback: RFC 7489 Appendix B's alignment examples and
 * policy records, discovery (§6.6.3), subdomain policy, sampling, and DNS trouble.
 */
class DmarcVerifierTest {
    static TestDnsServer dns;
    static DnsjavaResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject; aspf=r; adkim=r")
                .txt("_dmarc.strict.example", "v=DMARC1; p=reject; aspf=s; adkim=s")
                .txt("_dmarc.subpolicy.example", "v=DMARC1; p=none; sp=quarantine")
                .txt("_dmarc.own.subpolicy.example", "v=DMARC1; p=reject")
                .txtStrings("_dmarc.sampled.example", "v=DMARC1; p=quarantine; ",
                        "rua=mailto:dmarc-feedback@sampled.example,", "mailto:tld-test@thirdparty.example.net!10m; ", "pct=25")
                .txt("_dmarc.never.example", "v=DMARC1; p=reject; pct=0")
                .txt("_dmarc.half.example", "v=DMARC1; p=reject; pct=50")
                .txt("_dmarc.twice.example", "v=DMARC1; p=reject")
                .txt("_dmarc.twice.example", "v=DMARC1; p=none")
                .txt("_dmarc.mixed.example", "v=spf1 -all")
                .txt("_dmarc.mixed.example", "some other text")
                .txt("_dmarc.mixed.example", "v=DMARC1; p=quarantine")
                .txt("_dmarc.junk.example", "v=DMARC1; p=reject; p=none")
                .txt("_dmarc.reportonly.example", "v=DMARC1; p=bogus; rua=mailto:r@reportonly.example")
                .txt("_dmarc.notdmarc.example", "v=spf1 -all")
                .txt("_dmarc.xn--bcher-kva.example", "v=DMARC1; p=reject")
                .txt("_dmarc.example.co.uk", "v=DMARC1; p=reject")
                .txt("_dmarc.alice.github.io", "v=DMARC1; p=reject")
                .servfail("_dmarc.broken.example")
                .servfail("_dmarc.brokenorg.example")
                .txt("_dmarc.tempkey.example", "v=DMARC1; p=reject");
        resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static DmarcVerifier verifier() {
        return new DmarcVerifier(resolver, new OrganizationalDomain(), new Random(7));
    }

    private static SpfInput spfPass(String domain) {
        return new SpfInput(SpfInput.Result.PASS, domain, SpfInput.Scope.MFROM);
    }

    private static DkimInput dkimPass(String domain) {
        return new DkimInput(DkimInput.Result.PASS, domain, "sel");
    }

    private static DmarcResult spfOnly(String from, String mailFrom) {
        return verifier().evaluate(from, spfPass(mailFrom), List.of());
    }

    private static DmarcResult dkimOnly(String from, String d) {
        return verifier().evaluate(from, SpfInput.none(), List.of(dkimPass(d)));
    }

    // --- Appendix B.1: identifier alignment

    @Test
    void b11SpfAlignment() {
        // MAIL FROM and From identical: aligned in both modes
        assertEquals(Result.PASS, spfOnly("example.com", "example.com").result());
        assertEquals(Result.PASS, spfOnly("strict.example", "strict.example").result());
        // MAIL FROM in a child domain: relaxed only
        DmarcResult relaxed = spfOnly("example.com", "child.example.com");
        assertEquals(Result.PASS, relaxed.result());
        assertTrue(relaxed.spfAligned());
        assertEquals(Result.FAIL, spfOnly("strict.example", "child.strict.example").result());
        // another organization: never
        DmarcResult other = spfOnly("example.com", "example.net");
        assertEquals(Result.FAIL, other.result());
        assertFalse(other.spfAligned());
    }

    @Test
    void b12DkimAlignment() {
        assertEquals(Result.PASS, dkimOnly("example.com", "example.com").result());
        assertEquals(Result.PASS, dkimOnly("strict.example", "strict.example").result());
        // d= the parent of a child From domain: relaxed only
        DmarcResult relaxed = dkimOnly("child.example.com", "example.com");
        assertEquals(Result.PASS, relaxed.result());
        assertTrue(relaxed.dkimAligned());
        assertEquals(Result.FAIL, dkimOnly("child.strict.example", "strict.example").result());
        // d= of another organization
        assertEquals(Result.FAIL, dkimOnly("child.example.com", "sample.net").result());
    }

    @Test
    void onlyPassingIdentifiersCount() {
        DmarcVerifier v = verifier();
        var failedSpf = new SpfInput(SpfInput.Result.SOFTFAIL, "example.com", SpfInput.Scope.MFROM);
        var failedDkim = new DkimInput(DkimInput.Result.FAIL, "example.com", "sel");
        DmarcResult r = v.evaluate("example.com", failedSpf, List.of(failedDkim, dkimPass("example.net")));
        assertEquals(Result.FAIL, r.result());
        assertEquals(Disposition.REJECT, r.disposition());
        assertEquals("dmarc=fail (p=reject dis=reject) header.from=example.com", r.authenticationResult());
        // one aligned passing signature among failing ones is enough
        DmarcResult pass = v.evaluate("example.com", failedSpf, List.of(failedDkim, dkimPass("mail.example.com")));
        assertEquals(Result.PASS, pass.result());
        assertEquals(Disposition.NONE, pass.disposition());
        assertEquals("dmarc=pass (p=reject dis=none) header.from=example.com", pass.authenticationResult());
    }

    @Test
    void nullSenderUsesTheHeloIdentity() {
        var helo = new SpfInput(SpfInput.Result.PASS, "mx.example.com", SpfInput.Scope.HELO);
        assertEquals(Result.PASS, verifier().evaluate("example.com", helo, List.of()).result());
    }

    // --- policy discovery, §6.6.3

    @Test
    void theOrganizationalDomainsRecordCoversSubdomainsWithSp() {
        DmarcResult sub = spfOnly("deep.child.subpolicy.example", "elsewhere.example");
        assertEquals(Result.FAIL, sub.result());
        assertEquals("subpolicy.example", sub.policyDomain());
        assertEquals(Disposition.QUARANTINE, sub.disposition(), "sp= for a subdomain");
        assertEquals("dmarc=fail (p=quarantine dis=quarantine) header.from=deep.child.subpolicy.example",
                sub.authenticationResult());
        DmarcResult org = spfOnly("subpolicy.example", "elsewhere.example");
        assertEquals(Disposition.NONE, org.disposition(), "p= for the domain itself");
        // a subdomain's own record wins, and its p applies to it
        DmarcResult own = spfOnly("own.subpolicy.example", "elsewhere.example");
        assertEquals("own.subpolicy.example", own.policyDomain());
        assertEquals(Disposition.REJECT, own.disposition());
        // without sp, p covers subdomains
        assertEquals(Disposition.REJECT, spfOnly("a.b.example.com", "elsewhere.example").disposition());
    }

    @Test
    void publicSuffixesDecideWhereTheFallbackLooks() {
        assertEquals("example.co.uk", spfOnly("mail.example.co.uk", "x.example").policyDomain());
        assertEquals("alice.github.io", spfOnly("www.alice.github.io", "x.example").policyDomain());
        DmarcResult bob = spfOnly("bob.github.io", "alice.github.io");
        assertEquals(Result.NONE, bob.result(), "bob.github.io has no record, and github.io is a suffix: no fallback to alice");
    }

    @Test
    void noRecordSeveralRecordsAndNonDmarcRecordsMeanNone() {
        DmarcResult none = spfOnly("nothing.example", "x.example");
        assertEquals(Result.NONE, none.result());
        assertEquals(Disposition.NONE, none.disposition());
        assertEquals("dmarc=none header.from=nothing.example", none.authenticationResult());
        assertEquals(Result.NONE, spfOnly("twice.example", "x.example").result());
        assertEquals(Result.NONE, spfOnly("notdmarc.example", "x.example").result());
        DmarcResult mixed = spfOnly("mixed.example", "x.example");
        assertEquals(Result.FAIL, mixed.result(), "other TXT records at _dmarc are discarded first");
        assertEquals(Disposition.QUARANTINE, mixed.disposition());
    }

    @Test
    void unusableRecordsArePermanentErrorsThatRejectNothing() {
        DmarcResult junk = spfOnly("junk.example", "x.example");
        assertEquals(Result.PERMERROR, junk.result());
        assertEquals(Disposition.NONE, junk.disposition());
        // a record without a valid p but with rua stands for p=none: evaluated and reported, not enforced
        DmarcResult reportOnly = spfOnly("reportonly.example", "x.example");
        assertEquals(Result.FAIL, reportOnly.result());
        assertEquals(Disposition.NONE, reportOnly.disposition());
        assertTrue(reportOnly.record().orElseThrow().pNoneStandIn());
    }

    @Test
    void dnsTroubleIsATemporaryErrorThatRejectsNothing() {
        DmarcResult broken = spfOnly("broken.example", "x.example");
        assertEquals(Result.TEMPERROR, broken.result());
        assertEquals(Disposition.NONE, broken.disposition());
        assertEquals("dmarc=temperror header.from=broken.example", broken.authenticationResult());
        // no record at the author domain, trouble at the organizational domain
        DmarcResult org = spfOnly("mail.brokenorg.example", "x.example");
        assertEquals(Result.TEMPERROR, org.result());
        assertEquals(Disposition.NONE, org.disposition());
    }

    @Test
    void anAlignedIdentifierThatCouldNotBeCheckedIsATemporaryError() {
        var tempKey = new DkimInput(DkimInput.Result.TEMPERROR, "tempkey.example", "sel");
        DmarcResult r = verifier().evaluate("tempkey.example", SpfInput.none(), List.of(tempKey));
        assertEquals(Result.TEMPERROR, r.result());
        assertEquals(Disposition.NONE, r.disposition());
        var tempSpf = new SpfInput(SpfInput.Result.TEMPERROR, "tempkey.example", SpfInput.Scope.MFROM);
        assertEquals(Result.TEMPERROR, verifier().evaluate("tempkey.example", tempSpf, List.of()).result());
        // a temporary error on a domain that would not align changes nothing
        var unrelated = new DkimInput(DkimInput.Result.TEMPERROR, "other.example", "sel");
        assertEquals(Result.FAIL, verifier().evaluate("tempkey.example", SpfInput.none(), List.of(unrelated)).result());
    }

    @Test
    void idnFromDomainsAreLookedUpAsALabels() {
        DmarcResult r = verifier().evaluate("bücher.example", spfPass("x.example"), List.of());
        assertEquals("xn--bcher-kva.example", r.fromDomain());
        assertEquals(Result.FAIL, r.result());
        assertEquals(Result.PASS, verifier().evaluate("BÜCHER.example", SpfInput.none(),
                List.of(dkimPass("xn--bcher-kva.example"))).result());
    }

    // --- pct sampling, §6.6.4

    @Test
    void pctZeroAppliesTheNextLessStrictPolicy() {
        DmarcResult r = spfOnly("never.example", "x.example");
        assertEquals(Result.FAIL, r.result());
        assertEquals(Disposition.QUARANTINE, r.disposition(), "reject sampled out becomes quarantine");
        assertTrue(r.sampledOut());
        assertEquals("dmarc=fail (p=reject dis=quarantine) header.from=never.example", r.authenticationResult());
    }

    @Test
    void pctHundredAlwaysApplies() {
        var v = new DmarcVerifier(resolver, new OrganizationalDomain(), new Random(1) {
            @Override
            public int nextInt(int bound) {
                throw new AssertionError("pct=100 draws no sample");
            }
        });
        DmarcResult r = v.evaluate("example.com", spfPass("x.example"), List.of());
        assertEquals(Disposition.REJECT, r.disposition());
        assertFalse(r.sampledOut());
    }

    @Test
    void pctFiftyWithASeedIsRepeatableAndNearHalf() {
        int[] first = sample(new Random(2026));
        int[] second = sample(new Random(2026));
        assertEquals(first[0], second[0], "same seed, same samples");
        assertTrue(first[0] > 70 && first[0] < 130, "about half of 200 rejected: " + first[0]);
        assertEquals(200, first[0] + first[1], "the rest quarantined");
    }

    private static int[] sample(Random seed) {
        var v = new DmarcVerifier(resolver, new OrganizationalDomain(), seed);
        int reject = 0;
        int quarantine = 0;
        for (int i = 0; i < 200; i++) {
            switch (v.evaluate("half.example", spfPass("x.example"), List.of()).disposition()) {
                case REJECT -> reject++;
                case QUARANTINE -> quarantine++;
                case NONE -> throw new AssertionError("p=reject never becomes none");
            }
        }
        return new int[] {reject, quarantine};
    }

    @Test
    void appendixB24QuarantinesAQuarterWhenSampledAndNothingOtherwise() {
        int quarantined = 0;
        var v = new DmarcVerifier(resolver, new OrganizationalDomain(), new Random(5));
        for (int i = 0; i < 100; i++) {
            DmarcResult r = v.evaluate("sampled.example", spfPass("x.example"), List.of());
            if (r.disposition() == Disposition.QUARANTINE) quarantined++;
            else assertTrue(r.sampledOut());
        }
        assertTrue(quarantined > 10 && quarantined < 45, "about 25 of 100: " + quarantined);
    }

    // --- the From field, §6.6.1

    private static Evaluation byHeader(String header) {
        byte[] b = header.getBytes(StandardCharsets.UTF_8);
        return verifier().evaluate(Author.fromHeader(b, b.length), spfPass("example.com"), List.of());
    }

    @Test
    void fromFieldOutcomes() {
        Evaluation one = byHeader("From: a@example.com\r\n\r\n");
        assertEquals(Result.PASS, one.result().result());
        assertEquals(1, one.perDomain().size());

        Evaluation missing = byHeader("Subject: x\r\n\r\n");
        assertEquals(Result.NONE, missing.result().result());
        assertEquals("dmarc=none", missing.result().authenticationResult());
        assertTrue(missing.perDomain().isEmpty());

        Evaluation twoFields = byHeader("From: a@example.com\r\nFrom: b@strict.example\r\n\r\n");
        assertEquals(Result.PERMERROR, twoFields.result().result());
        assertEquals(Disposition.REJECT, twoFields.result().disposition());

        Evaluation unusable = byHeader("From: undisclosed-recipients:;\r\n\r\n");
        assertEquals(Result.PERMERROR, unusable.result().result());
        assertEquals(Disposition.NONE, unusable.result().disposition());
    }

    @Test
    void severalAuthorDomainsTakeTheStrictestFailure() {
        // example.com passes (SPF aligned), subpolicy.example fails with p=none, strict.example fails with reject
        Evaluation e = byHeader("From: a@example.com, b@subpolicy.example, c@strict.example\r\n\r\n");
        assertEquals(3, e.perDomain().size());
        assertEquals(Result.FAIL, e.result().result());
        assertEquals(Disposition.REJECT, e.result().disposition());
        assertEquals("strict.example", e.result().fromDomain());

        Evaluation passAndNone = byHeader("From: a@example.com, b@nothing.example\r\n\r\n");
        assertEquals(Result.NONE, passAndNone.result().result());

        StringBuilder many = new StringBuilder("From: ");
        for (int i = 0; i < 6; i++) many.append(i == 0 ? "" : ", ").append("a@d").append(i).append(".example");
        Evaluation tooMany = byHeader(many + "\r\n\r\n");
        assertEquals(Result.PERMERROR, tooMany.result().result());
        assertEquals(Disposition.REJECT, tooMany.result().disposition());
    }

    @Test
    void aVerifierKeptForManyMessagesParsesAPolicyOnceAndSeesItChange() throws Exception {
        try (TestDnsServer own = new TestDnsServer()) {
            own.txt("_dmarc.changing.example", "v=DMARC1; p=quarantine");
            var uncached = new DnsjavaResolver(List.of(own.address()), Duration.ofSeconds(2), java.time.Clock.systemUTC(), 0);
            var kept = new DmarcVerifier(uncached, new OrganizationalDomain(), new Random(7));
            DmarcResult first = kept.evaluate("changing.example", SpfInput.none(), List.of());
            DmarcResult second = kept.using(uncached.within(Duration.ofSeconds(5))).evaluate("changing.example", SpfInput.none(), List.of());
            assertEquals(Disposition.QUARANTINE, second.disposition());
            assertSame(first.record().orElseThrow(), second.record().orElseThrow(), "the same text is not parsed again");

            own.clear();
            own.txt("_dmarc.changing.example", "v=DMARC1; p=reject");
            assertEquals(Disposition.REJECT, kept.evaluate("changing.example", SpfInput.none(), List.of()).disposition(),
                    "records are remembered by their text, not by their domain");
        }
    }
}
