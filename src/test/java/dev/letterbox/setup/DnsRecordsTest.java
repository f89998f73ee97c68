package dev.letterbox.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsRecordsTest {
    static final DkimRecords NO_DKIM = domain -> List.of();
    static final MtaStsPolicy POLICY = MtaStsPolicy.of("enforce", "mx.example.net", Duration.ofDays(7));

    @Test
    void txtDataIsQuotedEscapedAndSplitAt255() {
        assertEquals("\"v=spf1 -all\"", DnsRecords.txt("v=spf1 -all"));
        assertEquals("\"a\\\"b\\\\c\"", DnsRecords.txt("a\"b\\c"));
        assertEquals("\"\"", DnsRecords.txt(""));
        String key = "k".repeat(300);
        assertEquals("\"" + "k".repeat(255) + "\" \"" + "k".repeat(45) + "\"", DnsRecords.txt(key));
    }

    @Test
    void policyTextAndIdFollowRfc8461() {
        assertEquals("version: STSv1\r\nmode: enforce\r\nmx: mx.example.net\r\nmax_age: 604800\r\n", POLICY.text());
        assertTrue(POLICY.id().matches("[0-9a-f]{20}"), POLICY.id());
        assertEquals(POLICY.id(), MtaStsPolicy.of("enforce", "mx.example.net", Duration.ofDays(7)).id());
        assertNotEquals(POLICY.id(), MtaStsPolicy.of("testing", "mx.example.net", Duration.ofDays(7)).id());
        assertNotEquals(POLICY.id(), MtaStsPolicy.of("enforce", "mx.example.net", Duration.ofDays(8)).id());
        assertNotEquals(POLICY.id(), MtaStsPolicy.of("enforce", "mx2.example.net", Duration.ofDays(7)).id());
    }

    @Test
    void standardPortsNeedNoHttpsNoteAndDisabledListenersAreNotOffered() {
        Map<String, Integer> ports = Map.of("imaps", 993, "submission", 587, "https", 443);
        List<DnsRecords.Item> items = DnsRecords.forDomain("example.org", "mx.example.net", ports, List.of(), List.of(),
                POLICY, NO_DKIM);
        String zone = DnsRecords.zoneText(items).replaceAll(" +", " ");
        assertTrue(zone.contains("_imaps._tcp.example.org. 3600 IN SRV 0 1 993 mx.example.net.\n"), zone);
        assertTrue(zone.contains("_submission._tcp.example.org. 3600 IN SRV 10 1 587 mx.example.net.\n"), zone);
        assertTrue(zone.contains("_pop3s._tcp.example.org. 3600 IN SRV 0 0 0 .\n"), zone);
        assertTrue(zone.contains("_sieve._tcp.example.org. 3600 IN SRV 0 0 0 .\n"), zone);
        String sieve = DnsRecords.zoneText(DnsRecords.forDomain("example.org", "mx.example.net", Map.of("managesieve", 4190),
                List.of(), List.of(), POLICY, NO_DKIM)).replaceAll(" +", " ");
        assertTrue(sieve.contains("_sieve._tcp.example.org. 3600 IN SRV 10 1 4190 mx.example.net.\n"), sieve);
        assertTrue(zone.contains("_autodiscover._tcp.example.org. 3600 IN SRV 0 1 443 mx.example.net.\n"), zone);
        assertTrue(!zone.contains("need the https listener on port 443"), zone);
        String noHttps = DnsRecords.zoneText(DnsRecords.forDomain("example.org", "mx.example.net", Map.of("imaps", 993),
                List.of(), List.of(), POLICY, NO_DKIM));
        assertTrue(noHttps.contains("; MTA-STS and autoconfig over HTTPS need the https listener on port 443; it is turned off"), noHttps);
        assertTrue(!noHttps.contains("_autodiscover._tcp"), noHttps);
    }

    @Test
    void dkimRecordsComeThroughTheSeam() {
        DkimRecords dkim = domain -> List.of(new DnsRecords.Record("DKIM key s1", "s1._domainkey." + domain + ".", "TXT",
                DnsRecords.txt("v=DKIM1; k=ed25519; p=AAAA")));
        String zone = DnsRecords.zoneText(DnsRecords.forDomain("example.org", "mx.example.net", Map.of(), List.of(), List.of(),
                POLICY, dkim));
        assertTrue(zone.contains("; DKIM key s1\ns1._domainkey.example.org."), zone);
    }
}
