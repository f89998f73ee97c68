package dev.letterbox.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestDnsServer;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SPFRecord;

/** The resolver's cache, its deadlines, and what it makes of junk answers — over a real loopback server. */
class DnsCacheAndLimitsTest {
    TestDnsServer dns;
    SettableClock clock;
    DnsjavaResolver resolver;

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer();
        clock = new SettableClock();
        resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), clock, 100);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void aAndAaaaAreSeparateLookups() {
        dns.a("both.test", "192.0.2.1").aaaa("both.test", "2001:db8::1").a("v4only.test", "192.0.2.2");
        assertEquals(List.of(addr("192.0.2.1")), found(resolver.a("both.test")));
        assertEquals(List.of(addr("2001:db8::1")), found(resolver.aaaa("both.test")));
        assertInstanceOf(Lookup.NoData.class, resolver.aaaa("v4only.test"));
        assertEquals(List.of(addr("192.0.2.1"), addr("2001:db8::1")), found(resolver.addresses("both.test")));
    }

    @Test
    void ptrNamesForBothFamilies() {
        dns.ptr("192.0.2.10", "Mail.Example.test").ptr("192.0.2.10", "other.example.test")
                .ptr("2001:db8::cb01", "six.example.test");
        assertEquals(List.of("mail.example.test", "other.example.test"), found(resolver.ptr(addr("192.0.2.10"))));
        assertEquals(List.of("six.example.test"), found(resolver.ptr(addr("2001:db8::cb01"))));
        assertInstanceOf(Lookup.NoDomain.class, resolver.ptr(addr("192.0.2.99")));
    }

    @Test
    void aSecondLookupIsAnsweredFromTheCacheUntilTheTtlRunsOut() {
        dns.txt("cached.test", "v=spf1 -all"); // TTL 60
        assertEquals(List.of("v=spf1 -all"), found(resolver.txt("cached.test")));
        assertEquals(List.of("v=spf1 -all"), found(resolver.txt("CACHED.test.")));
        assertEquals(1, dns.queries("cached.test"), "the second lookup must not reach the server");

        clock.advance(Duration.ofSeconds(59));
        resolver.txt("cached.test");
        assertEquals(1, dns.queries("cached.test"));
        clock.advance(Duration.ofSeconds(1));
        resolver.txt("cached.test");
        assertEquals(2, dns.queries("cached.test"), "expired after its TTL");
    }

    @Test
    void aCnameChainLivesAsLongAsItsShortestTtl() throws Exception {
        dns.record(new org.xbill.DNS.CNAMERecord(Name.fromString("short.test."), DClass.IN, 5,
                Name.fromString("target.test."))).a("target.test", "192.0.2.7");
        assertEquals(List.of(addr("192.0.2.7")), found(resolver.a("short.test")));
        resolver.a("short.test");
        assertEquals(1, dns.queries("short.test"));
        clock.advance(Duration.ofSeconds(5));
        resolver.a("short.test");
        assertEquals(2, dns.queries("short.test"));
    }

    @Test
    void negativeAnswersAreCachedForTheSoaMinimumOnly() {
        dns.soa("neg.test", 30).a("host.neg.test", "192.0.2.3");
        assertInstanceOf(Lookup.NoDomain.class, resolver.a("missing.neg.test"));
        assertInstanceOf(Lookup.NoData.class, resolver.aaaa("host.neg.test"));
        assertInstanceOf(Lookup.NoDomain.class, resolver.a("missing.neg.test"));
        assertInstanceOf(Lookup.NoData.class, resolver.aaaa("host.neg.test"));
        assertEquals(1, dns.queries("missing.neg.test"));
        assertEquals(1, dns.queries("host.neg.test"));
        clock.advance(Duration.ofSeconds(30));
        resolver.a("missing.neg.test");
        assertEquals(2, dns.queries("missing.neg.test"));
    }

    @Test
    void negativeAnswersWithoutSoaAndTemporaryFailuresAreNotCached() {
        dns.servfail("broken.test");
        assertInstanceOf(Lookup.NoDomain.class, resolver.a("nowhere.test"));
        assertInstanceOf(Lookup.NoDomain.class, resolver.a("nowhere.test"));
        assertEquals(2, dns.queries("nowhere.test"));
        assertInstanceOf(Lookup.TempFail.class, resolver.txt("broken.test"));
        int before = dns.queries("broken.test");
        assertInstanceOf(Lookup.TempFail.class, resolver.txt("broken.test"));
        assertTrue(dns.queries("broken.test") > before, "a temporary failure is asked again");
    }

    @Test
    void theCacheIsBoundedAndEvictsTheOldestFirst() {
        DnsjavaResolver small = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), clock, 3);
        for (int i = 0; i < 5; i++) dns.a("h" + i + ".test", "192.0.2." + (i + 1));
        for (int i = 0; i < 5; i++) small.a("h" + i + ".test");
        assertEquals(3, small.cachedAnswers());
        small.a("h4.test"); // young: cached
        small.a("h0.test"); // oldest: evicted, asked again
        assertEquals(1, dns.queries("h4.test"));
        assertEquals(2, dns.queries("h0.test"));
    }

    @Test
    void aServerThatNeverAnswersCostsAtMostTheDeadline() {
        dns.silent("dead.test");
        DnsjavaResolver patient = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(30), clock, 100);
        DnsResolver bounded = patient.within(Duration.ofMillis(300));
        long start = System.nanoTime();
        assertInstanceOf(Lookup.TempFail.class, bounded.txt("dead.test"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs >= 250 && tookMs < 1500, "took " + tookMs + " ms");

        // Past the deadline every lookup fails at once, without asking the server.
        dns.txt("alive.test", "hello");
        start = System.nanoTime();
        assertInstanceOf(Lookup.TempFail.class, bounded.txt("alive.test"));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 100);
        assertEquals(0, dns.queries("alive.test"));
        // The resolver itself (and a fresh view) still works.
        assertEquals(List.of("hello"), found(patient.within(Duration.ofSeconds(5)).txt("alive.test")));
    }

    @Test
    void withoutAViewALookupStillStopsAtTheConfiguredTimeout() {
        dns.silent("dead.test");
        DnsjavaResolver quick = new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(400), clock, 100);
        long start = System.nanoTime();
        assertInstanceOf(Lookup.TempFail.class, quick.txt("dead.test"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < 1500, "took " + tookMs + " ms, not the 400 ms configured");
    }

    @Test
    void aViewOfAViewKeepsTheEarlierDeadline() {
        dns.silent("dead.test");
        DnsResolver outer = resolver.within(Duration.ofMillis(200));
        DnsResolver inner = outer.within(Duration.ofSeconds(20));
        long start = System.nanoTime();
        assertInstanceOf(Lookup.TempFail.class, inner.txt("dead.test"));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1500);
    }

    @Test
    void aSixtyKilobyteTxtAnswerArrivesOverTcp() throws Exception {
        dns.tcp();
        String big = "v=spf1 " + "ip4:192.0.2.1 ".repeat(4300); // ~60 KB
        dns.bigTxt("big.test", big);
        List<String> txt = found(resolver.txt("big.test"));
        assertEquals(1, txt.size());
        assertEquals(big, txt.get(0));
    }

    @Test
    void thousandsOfRecordsAreAllReturned() throws Exception {
        dns.tcp();
        for (int i = 0; i < 2000; i++) dns.a("many.test", "10." + (i / 250) + "." + (i % 250) + ".1");
        assertEquals(2000, found(resolver.a("many.test")).size());
    }

    @Test
    void cnameChainsAreFollowedButNotForever() {
        dns.cname("c1.test", "c2.test").cname("c2.test", "c3.test").a("c3.test", "192.0.2.5");
        assertEquals(List.of(addr("192.0.2.5")), found(resolver.a("c1.test")));
        for (int i = 0; i < 12; i++) dns.cname("long" + i + ".test", "long" + (i + 1) + ".test");
        dns.a("long12.test", "192.0.2.6");
        assertInstanceOf(Lookup.TempFail.class, resolver.a("long0.test"));
        dns.cname("loop.test", "loop.test");
        assertInstanceOf(Lookup.TempFail.class, resolver.a("loop.test"));
    }

    @Test
    void typesNotAskedForAreIgnored() throws Exception {
        dns.record(new SPFRecord(Name.fromString("spfonly.test."), DClass.IN, 60, "v=spf1 -all"));
        assertInstanceOf(Lookup.NoData.class, resolver.txt("spfonly.test"));
    }

    @Test
    void impossibleNamesAreNoDomainWithoutAQuery() {
        String longLabel = "a".repeat(64) + ".test";
        assertInstanceOf(Lookup.NoDomain.class, resolver.a(longLabel));
        assertInstanceOf(Lookup.NoDomain.class, resolver.a("empty..label.test"));
        assertInstanceOf(Lookup.NoDomain.class, resolver.a(("abc.").repeat(64) + "test"));
        assertInstanceOf(Lookup.NoDomain.class, resolver.txt(""));
    }

    @Test
    void namesAreBuiltFromTheirBytesNotFromMasterFileEscapes() {
        Name name = DnsNames.parse("a\\046b.example.test");
        assertEquals(4, name.labels(), "the backslash is a character, not an escape of '.'");
        assertEquals("a\\046b.example.test", DnsNames.text(name));
        assertNull(DnsNames.parse("x".repeat(63) + "." + "y".repeat(63) + "." + "z".repeat(63) + "." + "w".repeat(62)));
        assertEquals(".", DnsNames.text(Name.root));
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> found(Lookup<T> lookup) {
        return assertInstanceOf(Lookup.Found.class, lookup, () -> "got " + lookup).records();
    }

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A clock the test moves by hand. */
    static final class SettableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
