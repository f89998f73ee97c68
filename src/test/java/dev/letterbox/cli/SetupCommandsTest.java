package dev.letterbox.cli;

import static dev.letterbox.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import dev.letterbox.testing.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code letterbox dns} and {@code letterbox admin-token} against a running server, through
 * {@link Main#run}: the DNS output is read as a zone file and checked record by record against the
 * running listeners and the MTA-STS policy the HTTPS listener serves.
 */
class SetupCommandsTest {
    @RegisterExtension
    static final TestServer server = new TestServer();
    static final String D = TestServer.DOMAIN + ".";
    static final String HOST = "mail.example.test.";

    /** Answers the CLI's check of what is published: nothing is, so every record is reported missing. */
    static TestDnsServer dns;

    /** The config the CLI reads from the data dir (a host name set, so none is looked up). */
    @BeforeAll
    static void writeConfig() throws Exception {
        dns = new TestDnsServer();
        Files.writeString(server.dataDir().resolve("letterbox.toml"), "hostname = \"mail.example.test\"\n[dns]\nservers = [\""
                + dns.address() + "\"]\n" + server.storeToml());
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    record Rr(String comment, String owner, int ttl, String type, String data) {}

    /** Zone-file lines: each record must follow its one-line comment. Keyed by "owner TYPE". */
    static Map<String, List<Rr>> records(String zone) {
        Map<String, List<Rr>> out = new LinkedHashMap<>();
        String previous = null;
        for (String line : zone.split("\n")) {
            if (line.startsWith(";")) {
                previous = line;
                continue;
            }
            assertTrue(previous != null && previous.startsWith("; ") && previous.length() > 10, "a comment before: " + line);
            String[] f = line.split("\\s+", 5);
            assertEquals(5, f.length, line);
            assertEquals("IN", f[2], line);
            Rr rr = new Rr(previous, f[0], Integer.parseInt(f[1]), f[3], f[4]);
            assertTrue(rr.owner().endsWith("."), "absolute owner: " + line);
            out.computeIfAbsent(rr.owner() + " " + rr.type(), k -> new ArrayList<>()).add(rr);
            previous = null;
        }
        return out;
    }

    static String data(Map<String, List<Rr>> records, String owner, String type) {
        List<Rr> found = records.remove(owner + " " + type);
        assertTrue(found != null && found.size() == 1, "exactly one " + owner + " " + type + ": " + found);
        return found.getFirst().data();
    }

    @Test
    void dnsPrintsEveryRecordForTheRunningServer() throws Exception {
        Cli.Result dkim = run("dkim", "generate", TestServer.DOMAIN, "--algorithm", "rsa", "--selector", "s1",
                "--data", server.dataDir().toString());
        assertEquals(0, dkim.exit(), dkim.err());
        String listed = run("dkim", "list", TestServer.DOMAIN, "--data", server.dataDir().toString()).out();
        String dkimData = listed.substring(listed.indexOf(" IN TXT ") + 8, listed.indexOf(" ; DKIM")); // as 'dkim' prints it

        Cli.Result r = run("dns", TestServer.DOMAIN, "--data", server.dataDir().toString(), "--ip", "192.0.2.10",
                "--ipv6", "2001:DB8::10");
        assertEquals(0, r.exit(), r.err());
        Map<String, List<Rr>> rr = records(r.out());

        assertEquals("192.0.2.10", data(rr, HOST, "A"));
        assertEquals("2001:db8::10", data(rr, HOST, "AAAA"));
        assertEquals("\"v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all\"", data(rr, HOST, "TXT"), "the host name's SPF: HELO and SRS");
        assertEquals("10 " + HOST, data(rr, D, "MX"));
        assertEquals("\"v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all\"", data(rr, D, "TXT"));
        assertEquals("\"v=DMARC1; p=quarantine; rua=mailto:postmaster@example.test\"", data(rr, "_dmarc." + D, "TXT"));
        String key = data(rr, "s1._domainkey." + D, "TXT");
        assertEquals(dkimData, key);
        assertTrue(key.startsWith("\"v=DKIM1; k=rsa; p=") && key.contains("\" \""), "an RSA key needs two strings: " + key);

        // RFC 6186 / RFC 8314 SRV: priority weight port target; implicit TLS preferred (lower priority)
        Map<String, String> services = Map.of("submissions", "_submissions._tcp.", "submission", "_submission._tcp.",
                "imaps", "_imaps._tcp.", "imap", "_imap._tcp.", "pop3s", "_pop3s._tcp.", "pop3", "_pop3._tcp.",
                "managesieve", "_sieve._tcp.");
        for (var s : services.entrySet()) {
            String srv = data(rr, s.getValue() + D, "SRV");
            if (server.server().ports().containsKey(s.getKey())) {
                int priority = s.getKey().endsWith("s") ? 0 : 10;
                assertEquals(priority + " 1 " + server.port(s.getKey()) + " " + HOST, srv, s.getKey());
            } else {
                assertEquals("0 0 0 .", srv, s.getKey() + " is not running, so not offered");
            }
        }
        assertEquals("0 1 " + server.port("https") + " " + HOST, data(rr, "_autodiscover._tcp." + D, "SRV"));
        assertEquals(HOST, data(rr, "autoconfig." + D, "CNAME"));
        assertEquals(HOST, data(rr, "autodiscover." + D, "CNAME"));
        assertEquals(HOST, data(rr, "mta-sts." + D, "CNAME"));

        // the id must be the one of the policy the HTTPS listener really serves
        String served = WebClient.body(new WebClient(server).raw("https", "GET /.well-known/mta-sts.txt HTTP/1.1\r\n"
                + "Host: mta-sts." + TestServer.DOMAIN + "\r\nConnection: close\r\n\r\n"));
        String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(served.getBytes(StandardCharsets.US_ASCII)), 0, 10);
        assertEquals("\"v=STSv1; id=" + id + "\"", data(rr, "_mta-sts." + D, "TXT"));
        assertEquals("\"v=TLSRPTv1; rua=mailto:postmaster@example.test\"", data(rr, "_smtp._tls." + D, "TXT"));
        assertTrue(rr.isEmpty(), "no other records: " + rr);

        for (String line : served.split("\r\n")) assertTrue(r.out().contains(";   " + line + "\n"), "policy shown: " + line);
        assertTrue(r.out().contains("autoconfig.example.test, autodiscover.example.test and mta-sts.example.test"));
        assertFalse(r.out().contains("not hosted here"), r.out());
        assertTrue(r.out().contains(";   MISSING: mail.example.test has no A or AAAA record"), r.out());
        assertTrue(r.out().contains("; MX: other servers deliver mail for example.test to mail.example.test\n"
                + ";   check: MISSING: not published: other servers cannot send mail for example.test here\n"), r.out());
    }

    @Test
    void withoutAddressesSpfNamesTheMxAndNoAddressRecordsArePrinted() {
        Cli.Result r = run("dns", "Other.Example.Test.", "--data", server.dataDir().toString());
        assertEquals(0, r.exit(), r.err());
        Map<String, List<Rr>> rr = records(r.out());
        assertEquals("\"v=spf1 mx -all\"", data(rr, "other.example.test.", "TXT"));
        assertFalse(rr.containsKey(HOST + " A") || rr.containsKey(HOST + " AAAA"));
        assertTrue(r.out().contains("; other.example.test is not hosted here yet: letterbox domain add other.example.test"));
        assertTrue(r.out().contains("\n; DKIM: no signing key yet; 'letterbox dkim generate other.example.test' makes one"), r.out());
    }

    @Test
    void dnsRefusesBadInput() {
        Cli.Result bad = run("dns", "not_a_domain", "--data", server.dataDir().toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("not a valid domain name"), bad.err());
        Cli.Result name = run("dns", TestServer.DOMAIN, "--ip", "mail.example.test", "--data", server.dataDir().toString());
        assertEquals(1, name.exit());
        assertTrue(name.err().contains("--ip mail.example.test: not an IPv4 address"), name.err());
        Cli.Result v6 = run("dns", TestServer.DOMAIN, "--ipv6", "192.0.2.1", "--data", server.dataDir().toString());
        assertEquals(1, v6.exit());
        assertEquals("", bad.out() + name.out() + v6.out());
    }

    @Test
    void adminTokenRotateTakesEffectInTheRunningServer() throws Exception {
        WebClient web = new WebClient(server);
        Cli.Result first = run("admin-token", "--rotate", "--data", server.dataDir().toString());
        assertEquals(0, first.exit(), first.err());
        String oldToken = first.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(oldToken.matches("[A-Za-z0-9_-]{43}"), oldToken);
        assertEquals(200, web.get(web.https("/api/domains"), "Authorization", "Bearer " + oldToken).statusCode());

        Cli.Result second = run("admin-token", "--rotate", "--data", server.dataDir().toString());
        String newToken = second.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertEquals(401, web.get(web.https("/api/domains"), "Authorization", "Bearer " + oldToken).statusCode());
        assertEquals(200, web.get(web.https("/api/domains"), "Authorization", "Bearer " + newToken).statusCode());

        Cli.Result show = run("admin-token", "--data", server.dataDir().toString());
        assertEquals(0, show.exit());
        assertFalse(show.out().contains(newToken), "never shown again");
        assertTrue(show.out().contains("token is set"), show.out());
    }
}
