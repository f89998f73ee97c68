package dev.letterbox.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.testing.TestDnsServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 5321 §5.1 and RFC 7505 routing decisions, answered by a real (test) DNS server over UDP. */
class RouterTest {
    static TestDnsServer dns;
    static Router router;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
        dns.mx("two.test", 20, "backup.two.test").mx("two.test", 10, "primary.two.test");
        dns.mx("nomail.test", 0, ".");
        dns.a("plain.test", "127.0.0.1");
        dns.txt("textonly.test", "v=spf1 -all");
        dns.servfail("broken.test");
        dns.mx("we-are-backup.test", 10, "primary.we-are-backup.test").mx("we-are-backup.test", 20, "mail.example.test")
                .mx("we-are-backup.test", 30, "tertiary.we-are-backup.test");
        dns.mx("only-us.test", 10, "mail.example.test");
        router = new Router(new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)), 2525, "mail.example.test");
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static List<String> hosts(String domain) {
        Route r = router.route(domain);
        assertTrue(r instanceof Route.Hosts, domain + ": " + r);
        return ((Route.Hosts) r).hops().stream().map(h -> h.host() + ":" + h.port()).toList();
    }

    @Test
    void mxRecordsInPreferenceOrder() {
        assertEquals(List.of("primary.two.test:2525", "backup.two.test:2525"), hosts("Two.Test"));
    }

    @Test
    void withoutMxTheDomainItselfIsTheHost() {
        assertEquals(List.of("plain.test:2525"), hosts("plain.test"));
    }

    @Test
    void anAddressLiteralRoutesToItself() {
        assertEquals(List.of("[127.0.0.1]:2525"), hosts("[127.0.0.1]"));
    }

    @Test
    void ourOwnNameAndEverythingAfterItAreDropped() {
        assertEquals(List.of("primary.we-are-backup.test:2525"), hosts("we-are-backup.test"));
        Route r = router.route("only-us.test");
        assertEquals("5.4.6", ((Route.Unroutable) r).status(), r.toString());
    }

    @Test
    void permanentAndTemporaryFailures() {
        assertEquals("5.1.10", ((Route.Unroutable) router.route("nomail.test")).status());
        assertEquals("5.1.2", ((Route.Unroutable) router.route("does-not-exist.test")).status());
        assertEquals("5.1.2", ((Route.Unroutable) router.route("textonly.test")).status(), "no MX and no address");
        assertTrue(router.route("broken.test") instanceof Route.TryLater t && t.reason().contains("SERVFAIL"));
    }
}
