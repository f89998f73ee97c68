package dev.letterbox.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7489 §6.3 and §6.4 record syntax, §6.6.3 step 6 for records without a valid policy. */
class DmarcRecordTest {

    private static DmarcRecord valid(String txt) {
        return assertInstanceOf(DmarcRecord.Valid.class, DmarcRecord.parse(txt), txt).record();
    }

    @Test
    void appendixB21MonitoringRecord() {
        DmarcRecord r = valid("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com");
        assertEquals(Disposition.NONE, r.p());
        assertEquals(Disposition.NONE, r.subdomainPolicy());
        assertEquals(100, r.pct());
        assertEquals(DmarcRecord.Alignment.RELAXED, r.adkim());
        assertEquals(DmarcRecord.Alignment.RELAXED, r.aspf());
        assertEquals(86_400, r.ri());
        assertEquals("0", r.fo());
        assertEquals("afrf", r.rf());
        assertEquals(List.of(new ReportUri("mailto:dmarc-feedback@example.com", OptionalLong.empty())), r.rua());
        assertEquals(Optional.of("dmarc-feedback@example.com"), r.rua().get(0).mailbox());
        assertFalse(r.pNoneStandIn());
    }

    @Test
    void appendixB24PerMessageQuarantineWithSizeLimit() {
        // as published in four strings, joined
        DmarcRecord r = valid("v=DMARC1; p=quarantine; " + "rua=mailto:dmarc-feedback@example.com,"
                + "mailto:tld-test@thirdparty.example.net!10m; " + "pct=25");
        assertEquals(Disposition.QUARANTINE, r.p());
        assertEquals(25, r.pct());
        assertEquals(2, r.rua().size());
        assertEquals(OptionalLong.of(10L << 20), r.rua().get(1).maxBytes());
        assertEquals(Optional.of("tld-test@thirdparty.example.net"), r.rua().get(1).mailbox());
        assertEquals("mailto:tld-test@thirdparty.example.net!10485760", r.rua().get(1).toString());
    }

    @Test
    void everyTag() {
        DmarcRecord r = valid("v=DMARC1;p=reject;sp=quarantine;pct=50;adkim=s;aspf=s;ri=3600;fo=1:d;rf=afrf;"
                + "rua=mailto:a@example.com!20k;ruf=mailto:f@example.com");
        assertEquals(Disposition.REJECT, r.p());
        assertEquals(Optional.of(Disposition.QUARANTINE), r.sp());
        assertEquals(50, r.pct());
        assertEquals(DmarcRecord.Alignment.STRICT, r.adkim());
        assertEquals(DmarcRecord.Alignment.STRICT, r.aspf());
        assertEquals(3600, r.ri());
        assertEquals("1:d", r.fo());
        assertEquals(OptionalLong.of(20 * 1024), r.rua().get(0).maxBytes());
        assertEquals(Optional.of("f@example.com"), r.ruf().get(0).mailbox());
    }

    @Test
    void whitespaceAndCaseOfTagsAndKeywordsAreTolerated() {
        DmarcRecord r = valid("  v = DMARC1 ;  P = Reject ; SP=None; ADKIM = S ;");
        assertEquals(Disposition.REJECT, r.p());
        assertEquals(Optional.of(Disposition.NONE), r.sp());
        assertEquals(DmarcRecord.Alignment.STRICT, r.adkim());
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=spf1 -all", "", "p=reject; v=DMARC1", "v=dmarc1; p=reject", "v=DMARC2; p=reject",
            "v=DMARC1x; p=reject", "google-site-verification=abc"})
    void notADmarcRecord(String txt) {
        assertInstanceOf(DmarcRecord.NotDmarc.class, DmarcRecord.parse(txt));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "v=DMARC1",
            "v=DMARC1;",
            "v=DMARC1; p=bogus",
            "v=DMARC1; p=reject; sp=bogus",
            "v=DMARC1; rua=not a uri",
            "v=DMARC1; p=reject; garbage",
            "v=DMARC1; p=reject; =none",
            "v=DMARC1; p=reject; p=none",
            "v=DMARC1; p=reject; 9x=1",
    })
    void unusableRecord(String txt) {
        assertInstanceOf(DmarcRecord.Invalid.class, DmarcRecord.parse(txt));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "v=DMARC1; rua=mailto:r@example.com",
            "v=DMARC1; p=bogus; rua=mailto:r@example.com",
            "v=DMARC1; p=reject; sp=bogus; rua=mailto:r@example.com",
    })
    void withoutAValidPolicyAReportAddressMeansPNone(String txt) {
        DmarcRecord r = valid(txt);
        assertEquals(Disposition.NONE, r.p());
        assertEquals(Disposition.NONE, r.subdomainPolicy());
        assertTrue(r.pNoneStandIn());
    }

    @Test
    void unknownTagsAreIgnored() {
        DmarcRecord r = valid("v=DMARC1; p=quarantine; np=reject; t=y; psd=n; future_tag=whatever");
        assertEquals(Disposition.QUARANTINE, r.p());
    }

    @ParameterizedTest(name = "pct={0} -> {1}")
    @CsvSource({"0, 0", "1, 1", "100, 100", "150, 100", "abc, 100", "-5, 100", "'', 100", "050, 50", "0050, 100", "99999, 100"})
    void percentOutOfRangeOrJunkMeansTheDefault(String value, int expected) {
        assertEquals(expected, valid("v=DMARC1; p=reject; pct=" + value).pct());
    }

    @Test
    void badOptionalValuesGetTheirDefaults() {
        DmarcRecord r = valid("v=DMARC1; p=reject; adkim=x; aspf=; ri=-1; fo=9; rf=%%");
        assertEquals(DmarcRecord.Alignment.RELAXED, r.adkim());
        assertEquals(DmarcRecord.Alignment.RELAXED, r.aspf());
        assertEquals(86_400, r.ri());
        assertEquals("0", r.fo());
        assertEquals("afrf", r.rf());
        assertEquals(4_294_967_295L, valid("v=DMARC1; p=none; ri=4294967295").ri());
        assertEquals(86_400, valid("v=DMARC1; p=none; ri=4294967296").ri());
    }

    @Test
    void invalidUrisAreLeftOutAndTheirNumberIsBounded() {
        DmarcRecord r = valid("v=DMARC1; p=none; rua=not a uri, mailto:a@example.com , nouri,mailto:b@example.com!x");
        assertEquals(List.of("mailto:a@example.com"), r.rua().stream().map(ReportUri::uri).toList());
        StringBuilder many = new StringBuilder("v=DMARC1; p=none; rua=");
        for (int i = 0; i < 50; i++) many.append(i == 0 ? "" : ",").append("mailto:r").append(i).append("@example.com");
        assertEquals(DmarcRecord.MAX_URIS, valid(many.toString()).rua().size());
    }

    @Test
    void oversizedRecordsAndTooManyTagsAreRefused() {
        assertInstanceOf(DmarcRecord.Invalid.class, DmarcRecord.parse("v=DMARC1; p=reject; x=" + "y".repeat(5000)));
        assertInstanceOf(DmarcRecord.Invalid.class, DmarcRecord.parse("v=DMARC1; p=reject" + "; a=b".repeat(40)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "mailto:dmarc@example.com, dmarc@example.com",
            "MAILTO:dmarc@Example.COM, dmarc@example.com",
            "mailto:dmarc%2Breports@example.com, dmarc+reports@example.com",
            "mailto:a+b@example.com, a+b@example.com",
            "mailto:dmarc@example.com?subject=reports, dmarc@example.com",
            "mailto:dmarc@bücher.example, dmarc@xn--bcher-kva.example",
            "https://reports.example.com/dmarc, ''",
            "mailto:nobody, ''",
            "mailto:a%0D%0ABcc:%20x@example.com, ''",
            "mailto:a b@example.com, ''",
            "mailto:<a@example.com>, ''",
            "mailto:a@[192.0.2.1], ''",
    })
    void mailboxOfAReportUri(String uri, String mailbox) {
        ReportUri u = ReportUri.parse(uri).orElse(new ReportUri(uri, OptionalLong.empty()));
        assertEquals(mailbox, u.mailbox().orElse(""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mailto:a@example.com!10, 10", "mailto:a@example.com!1k, 1024", "mailto:a@example.com!2G, 2147483648",
            "mailto:a@example.com!1t, 1099511627776", "mailto:a@example.com!99999999999999t, 9223372036854775807"})
    void sizeLimits(String uri, long bytes) {
        assertEquals(OptionalLong.of(bytes), ReportUri.parse(uri).orElseThrow().maxBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mailto:a@example.com!", "mailto:a@example.com!k", "mailto:a@example.com!10x", "", "  "})
    void badSizeOrEmptyIsNoUri(String uri) {
        assertTrue(ReportUri.parse(uri).isEmpty());
    }
}
