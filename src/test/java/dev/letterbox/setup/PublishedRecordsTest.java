package dev.letterbox.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.testing.TestDnsServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The "what DNS answers now" check of {@code letterbox dns}, against a real DNS server on loopback
 * publishing some records right, some wrong and some not at all.
 */
class PublishedRecordsTest {
    static final String HOST = "mail.example.test";
    static final MtaStsPolicy POLICY = MtaStsPolicy.of("enforce", HOST, Duration.ofDays(7));
    static final String KEY = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + "k".repeat(20);
    static final DkimRecords DKIM = domain -> List.of(new DnsRecords.Record("DKIM key", "s1._domainkey." + domain + ".",
            "TXT", DnsRecords.txt("v=DKIM1; k=rsa; p=" + KEY)));

    private static List<DnsRecords.Item> items() {
        return DnsRecords.forDomain("example.test", HOST, Map.of("imaps", 993, "https", 443),
                List.of("192.0.2.10"), List.of("2001:db8::10"), POLICY, DKIM);
    }

    /** The verdict for the record at {@code owner} of {@code type} whose data starts with {@code dataStart}. */
    private static String verdict(PublishedRecords.Report report, String owner, String type, String dataStart) {
        return report.perRecord().entrySet().stream()
                .filter(e -> e.getKey().owner().equals(owner) && e.getKey().type().equals(type)
                        && e.getKey().data().startsWith(dataStart))
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no verdict for " + owner + " " + type));
    }

    @Test
    void rightWrongAndMissingRecordsAreEachReported() throws Exception {
        try (TestDnsServer dns = new TestDnsServer()) {
            dns.a(HOST, "192.0.2.10").ptr("192.0.2.10", HOST)
                    .aaaa(HOST, "2001:db8::99").ptr("2001:db8::99", "somewhere.example.net")
                    .mx("example.test", 10, "mx.elsewhere.example")
                    .txt("example.test", "v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all")
                    .txt(HOST, "v=spf1 a ~all")
                    .txtLong("s1._domainkey.example.test", "v=DKIM1; k=rsa; p=" + KEY)
                    .txt("_mta-sts.example.test", "v=STSv1; id=0000")
                    .cname("mta-sts.example.test", HOST)
                    .a("autoconfig.example.test", "198.51.100.7");
            PublishedRecords.Report report = PublishedRecords.check(items(), HOST,
                    new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(5)).within(Duration.ofSeconds(30)));

            assertEquals(List.of("ok: " + HOST + " has the addresses 192.0.2.10, 2001:db8:0:0:0:0:0:99",
                    "ok: the PTR of 192.0.2.10 is " + HOST,
                    "WRONG: the PTR of 2001:db8:0:0:0:0:0:99 is somewhere.example.net, not " + HOST
                            + ": ask the address's provider to set it (receivers check it)",
                    "MISSING: 2001:db8:0:0:0:0:0:10 has no PTR record; ask the address's provider to set it to " + HOST),
                    report.host());
            assertEquals("ok: published", verdict(report, HOST + ".", "A", "192.0.2.10"));
            assertEquals("WRONG: published 2001:db8:0:0:0:0:0:99", verdict(report, HOST + ".", "AAAA", ""));
            assertEquals("WRONG: the MX is 10 mx.elsewhere.example: mail for example.test does not come here",
                    verdict(report, "example.test.", "MX", ""));
            assertEquals("ok: published", verdict(report, "example.test.", "TXT", "\"v=spf1"));
            assertEquals("WRONG: published \"v=spf1 a ~all\"", verdict(report, HOST + ".", "TXT", "\"v=spf1"));
            assertEquals("ok: published", verdict(report, "s1._domainkey.example.test.", "TXT", ""));
            assertEquals("MISSING: not published", verdict(report, "_dmarc.example.test.", "TXT", ""));
            assertEquals("WRONG: published \"v=STSv1; id=0000\"", verdict(report, "_mta-sts.example.test.", "TXT", ""));
            assertEquals("ok: published", verdict(report, "mta-sts.example.test.", "CNAME", ""));
            assertEquals("WRONG: autoconfig.example.test leads to 198.51.100.7, not to " + HOST,
                    verdict(report, "autoconfig.example.test.", "CNAME", ""));
            assertEquals("MISSING: not published", verdict(report, "autodiscover.example.test.", "CNAME", ""));
            assertEquals("MISSING: not published", verdict(report, "_smtp._tls.example.test.", "TXT", ""));
            assertFalse(report.perRecord().keySet().stream().anyMatch(r -> r.type().equals("SRV")), "SRV is not checked");

            String zone = DnsRecords.zoneText(items(), report.perRecord());
            assertTrue(zone.contains("; MX: other servers deliver mail for example.test to " + HOST + "\n;   check: WRONG: the MX is"),
                    zone);
        }
    }

    @Test
    void aWrongDkimKeyAndANameWithoutAddresses() throws Exception {
        try (TestDnsServer dns = new TestDnsServer()) {
            dns.txtLong("s1._domainkey.example.test", "v=DKIM1; k=rsa; p=SOMEOTHERKEY").mx("example.test", 5, HOST);
            PublishedRecords.Report report = PublishedRecords.check(items(), HOST,
                    new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(5)).within(Duration.ofSeconds(30)));
            assertEquals("WRONG: the published key is not the one this server signs with",
                    verdict(report, "s1._domainkey.example.test.", "TXT", ""));
            assertEquals("ok: published", verdict(report, "example.test.", "MX", ""));
            assertEquals("MISSING: " + HOST + " has no A or AAAA record: other servers and clients cannot reach it",
                    report.host().getFirst());
        }
    }

    @Test
    void anUnreachableResolverGivesNotCheckedInBoundedTime() {
        long start = System.nanoTime();
        PublishedRecords.Report report = PublishedRecords.check(items(), HOST,
                new DnsjavaResolver(List.of("127.0.0.1:9"), Duration.ofMillis(500)).within(Duration.ofSeconds(3)));
        assertTrue(report.perRecord().values().stream().allMatch(v -> v.startsWith("not checked: ")), report.perRecord().toString());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(60).toNanos(), "the budget bounds the whole check");
    }

    @Test
    void hostNamesThatAreNotFullyQualified() {
        for (String name : List.of("vm", "localhost", "debian.local", "box.localdomain", "nas.home.arpa", "pc.lan")) {
            assertFalse(HostnameAdvice.qualified(name), name);
        }
        for (String name : List.of("mail.example.com", "mx1.example.co.uk", "example.org.")) {
            assertTrue(HostnameAdvice.qualified(name), name);
        }
        assertEquals("the host name 'vm' is not a fully qualified domain name: other servers cannot deliver to it and mail"
                + " clients cannot reach it. Start the server with --hostname mail.example.org (or set hostname ="
                + " \"mail.example.org\" in letterbox.toml), and publish that name's A/AAAA records",
                HostnameAdvice.warning("vm", java.util.Optional.of("example.org")).orElseThrow());
        assertTrue(HostnameAdvice.warning("mail.example.org", java.util.Optional.empty()).isEmpty());
    }
}
