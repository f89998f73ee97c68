package dev.letterbox.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DnsjavaResolverTest {
    static TestDnsServer dns;
    static DnsResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
        dns.mx("example.test", 20, "backup.example.test").mx("example.test", 10, "mx1.example.test")
                .mx("example.test", 10, "mx2.example.test")
                .a("mx1.example.test", "127.0.0.2").aaaa("mx1.example.test", "::1").a("mx2.example.test", "127.0.0.3")
                .mx("nullmx.test", 0, ".")
                .a("nomx.test", "127.0.0.4")
                .cname("alias.test", "mx1.example.test")
                .txt("_dmarc.example.test", "v=DMARC1; p=reject")
                .servfail("broken.test");
        resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @Test
    void mxRecordsComeInPreferenceOrder() {
        var found = assertInstanceOf(Lookup.Found.class, resolver.mx("example.test"));
        @SuppressWarnings("unchecked")
        List<MxHost> hosts = found.records();
        assertEquals(3, hosts.size());
        assertEquals(10, hosts.get(0).preference());
        assertEquals(10, hosts.get(1).preference());
        assertEquals("backup.example.test", hosts.get(2).host());
    }

    @Test
    void equalPreferencesAreShuffled() {
        List<MxHost> records = List.of(new MxHost(10, "a"), new MxHost(10, "b"), new MxHost(5, "c"));
        Set<String> firstOfTens = new HashSet<>();
        Random random = new Random(42);
        for (int i = 0; i < 50; i++) {
            List<MxHost> order = DnsResolver.tryOrder(records, random);
            assertEquals("c", order.get(0).host());
            firstOfTens.add(order.get(1).host());
        }
        assertEquals(Set.of("a", "b"), firstOfTens);
    }

    @Test
    void nullMxIsRecognised() {
        var found = assertInstanceOf(Lookup.Found.class, resolver.mx("nullmx.test"));
        assertTrue(((MxHost) found.records().get(0)).isNullMx());
    }

    @Test
    void noMxButAddressIsNoData() {
        assertInstanceOf(Lookup.NoData.class, resolver.mx("nomx.test"));
        var a = assertInstanceOf(Lookup.Found.class, resolver.addresses("nomx.test"));
        assertEquals(List.of(addr("127.0.0.4")), a.records());
    }

    @Test
    void addressesIncludeBothFamiliesAndFollowCnames() {
        var a = assertInstanceOf(Lookup.Found.class, resolver.addresses("mx1.example.test"));
        assertEquals(List.of(addr("127.0.0.2"), addr("::1")), a.records());
        var viaAlias = assertInstanceOf(Lookup.Found.class, resolver.addresses("alias.test"));
        assertEquals(addr("127.0.0.2"), viaAlias.records().get(0));
    }

    @Test
    void missingDomainsAndBrokenServersAreDistinguished() {
        assertInstanceOf(Lookup.NoDomain.class, resolver.mx("nothing-here.test"));
        assertInstanceOf(Lookup.TempFail.class, resolver.mx("broken.test"));
        var unreachable = new DnsjavaResolver(List.of("127.0.0.1:9"), Duration.ofMillis(300));
        assertInstanceOf(Lookup.TempFail.class, unreachable.mx("example.test"));
    }

    @Test
    void txtRecords() {
        var t = assertInstanceOf(Lookup.Found.class, resolver.txt("_dmarc.example.test"));
        assertEquals(List.of("v=DMARC1; p=reject"), t.records());
    }

    @Test
    void serverAddressesParse() {
        assertEquals(5353, DnsjavaResolver.parseServer("127.0.0.1:5353").getPort());
        assertEquals(53, DnsjavaResolver.parseServer("127.0.0.1").getPort());
        assertEquals(5300, DnsjavaResolver.parseServer("[::1]:5300").getPort());
    }

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
