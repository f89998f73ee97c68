package dev.letterbox.spf;

import dev.letterbox.testing.TestDnsServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SPFRecord;

/**
 * The vocabulary of the SPF conformance tables: scenarios of DNS data with the checks to run
 * against it, written the way the openspf.org test suite writes them (helo, host, mailfrom,
 * result, explanation), loaded into a real {@link TestDnsServer}.
 */
final class SpfSuite {
    /** The suite's "explanation: DEFAULT": the check must come without a publisher's explanation. */
    static final String NO_EXPLANATION = "(none)";

    /**
     * One check: MAIL FROM {@code mailFrom} ("" for &lt;&gt;) after HELO {@code helo} from {@code host}.
     * {@code results}: the acceptable results, the preferred first. {@code explanation}: null when
     * not checked.
     */
    record Case(String id, String helo, String host, String mailFrom, List<SpfResult.Result> results, String explanation) {
        Case explained(String text) {
            return new Case(id, helo, host, mailFrom, results, text);
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** DNS data and the checks against it. */
    record Scenario(String name, ZoneData zone, List<Case> cases) {}

    @FunctionalInterface
    interface ZoneData {
        void load(Zone zone) throws Exception;
    }

    static Case check(String id, String helo, String host, String mailFrom, SpfResult.Result... results) {
        return new Case(id, helo, host, mailFrom, List.of(results), null);
    }

    static Scenario scenario(String name, ZoneData zone, Case... cases) {
        return new Scenario(name, zone, new ArrayList<>(Arrays.asList(cases)));
    }

    /** Builds a scenario's records on a test DNS server, in the suite's terms. */
    static final class Zone {
        final TestDnsServer dns;

        Zone(TestDnsServer dns) {
            this.dns = dns;
        }

        /**
         * A policy the suite lists as "SPF": the suite's drivers publish it as TXT (the only type
         * RFC 7208 reads) unless the name has TXT records of its own, which the table then lists
         * with {@link #txt} and the type-99 twin with {@link #spfType}.
         */
        Zone spf(String name, String text) {
            dns.txt(name, text);
            return this;
        }

        /** One TXT record of several strings (glued together without separator, §3.3). */
        Zone strings(String name, String... strings) {
            dns.txtStrings(name, strings);
            return this;
        }

        Zone txt(String name, String text) {
            dns.txt(name, text);
            return this;
        }

        /** An RR of the obsolete SPF type (99), which a checker must not read (§3.1). */
        Zone spfType(String name, String text) throws Exception {
            dns.record(new SPFRecord(Name.fromString(name + "."), DClass.IN, 60, text));
            return this;
        }

        Zone a(String name, String... ips) {
            for (String ip : ips) dns.a(name, ip);
            return this;
        }

        Zone aaaa(String name, String... ips) {
            for (String ip : ips) dns.aaaa(name, ip);
            return this;
        }

        Zone mx(String name, int preference, String host) {
            dns.mx(name, preference, host.isEmpty() ? "." : host);
            return this;
        }

        /** PTR records of {@code ip}: the suite names them by their in-addr.arpa/ip6.arpa owner. */
        Zone ptr(String ip, String... hosts) {
            for (String host : hosts) dns.ptr(ip, host);
            return this;
        }

        Zone cname(String alias, String target) {
            dns.cname(alias, target);
            return this;
        }

        /** The suite's TIMEOUT: queries for the name are never answered. */
        Zone timeout(String name) {
            dns.silent(name);
            return this;
        }
    }

    private SpfSuite() {}
}
