package dev.letterbox.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.net.IpNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static Config parse(String toml) {
        return ConfigLoader.parse(toml, ConfigLoader.Overrides.none(), "test.toml");
    }

    private static String error(String toml) {
        return assertThrows(ConfigException.class, () -> parse(toml)).getMessage();
    }

    @Test
    void emptyConfigGivesDefaults() {
        Config c = parse("");
        assertEquals(25, c.listen().port("smtp").orElseThrow());
        assertEquals(995, c.listen().port("pop3s").orElseThrow());
        assertEquals(443, c.listen().port("https").orElseThrow());
        assertEquals(Duration.ofMinutes(10), c.pop3().idleTimeout());
        assertEquals(50L << 20, c.smtp().maxMessageSize());
        assertFalse(c.pop3().plaintextAuthOnLoopback());
        assertEquals("info", c.log().level());
    }

    @Test
    void exampleFileInTheRepositoryIsValidAndMatchesDefaults() throws Exception {
        Config example = parse(Files.readString(Path.of("letterbox.example.toml")));
        Config defaults = parse("");
        assertEquals(defaults.listen(), example.listen());
        assertEquals(defaults.pop3(), example.pop3());
        assertEquals(defaults.imap(), example.imap());
        assertEquals(defaults.smtp(), example.smtp());
        assertEquals(defaults.limits(), example.limits());
        assertEquals(defaults.tls(), example.tls());
        assertEquals(defaults.auth(), example.auth());
        assertEquals(defaults.http(), example.http());
        assertEquals(defaults.dns(), example.dns());
        assertEquals(defaults.delivery(), example.delivery());
        assertEquals(defaults.sieve(), example.sieve());
        assertEquals(defaults.forwarding(), example.forwarding());
    }

    @Test
    void sieveSectionDefaultsAndValidation() {
        Config c = parse("");
        assertEquals(4190, c.listen().port("managesieve").orElseThrow());
        Config.Sieve s = c.sieve();
        assertEquals(64 << 10, s.maxScriptSize());
        assertEquals(20, s.maxScripts());
        assertEquals(4, s.maxRedirects());
        assertTrue(s.before().isEmpty() && s.after().isEmpty());
        Config.Sieve set = parse("[sieve]\nmax_script_size = \"200K\"\nmax_scripts = 3\nmax_redirects = 0\n"
                + "before = [\"/etc/a.sieve\", \"b.sieve\"]\nafter = [\"/etc/z.sieve\"]\n").sieve();
        assertEquals(200 << 10, set.maxScriptSize());
        assertEquals(3, set.maxScripts());
        assertEquals(0, set.maxRedirects());
        assertEquals(java.util.List.of(Path.of("/etc/a.sieve"), Path.of("b.sieve")), set.before());
        assertEquals(java.util.List.of(Path.of("/etc/z.sieve")), set.after());
        assertTrue(error("[sieve]\nmax_script_size = \"2M\"").startsWith("sieve.max_script_size: must be between"));
        assertTrue(error("[sieve]\nmax_scripts = 0").startsWith("sieve.max_scripts: "));
        assertTrue(error("[sieve]\nbefore = \"/etc/a.sieve\"").startsWith("sieve.before: expected a list"));
        assertTrue(error("[sieve]\nafter = [\"\"]").startsWith("sieve.after: an empty file name"));
        assertTrue(error("[sieve]\nmax_script = 3").startsWith("sieve.max_script: unknown key"));
        assertEquals(14190, ConfigLoader.parse("", new ConfigLoader.Overrides(Optional.empty(), Optional.of(10000),
                Optional.empty()), "t").listen().port("managesieve").orElseThrow());
        assertTrue(parse("[listen]\nproxy_protocol = [\"managesieve\"]\nproxy_trusted = [\"10.0.0.0/8\"]\n")
                .listen().proxy("managesieve").isPresent());
    }

    @Test
    void forwardingDefaultsAndValidation() {
        Config c = parse("hostname = \"mail.example.test\"\n");
        Config.Forwarding f = c.forwarding();
        assertTrue(f.srs());
        assertEquals("mail.example.test", f.srsDomain(), "the host name by default");
        assertEquals(c.dataDir().resolve("srs-secrets"), f.srsSecretFile());
        assertEquals(21, f.srsMaxAgeDays());
        assertEquals(50, f.maxHops());
        Config.Forwarding set = parse("[forwarding]\nsrs_domain = \"SRS.Example.org\"\nsrs_max_age = \"7d\"\n"
                + "srs_secret_file = \"/etc/letterbox/srs\"\nmax_hops = 30\n").forwarding();
        assertEquals("srs.example.org", set.srsDomain());
        assertEquals(7, set.srsMaxAgeDays());
        assertEquals(Path.of("/etc/letterbox/srs"), set.srsSecretFile());
        assertEquals(30, set.maxHops());
        assertTrue(error("[forwarding]\nsrs_max_age = \"36h\"\n").contains("forwarding.srs_max_age"));
        assertTrue(error("[forwarding]\nsrs_max_age = \"2000d\"\n").contains("whole days"));
        assertTrue(error("[forwarding]\nsrs_domain = \"not a domain\"\n").contains("forwarding.srs_domain"));
        assertTrue(error("[forwarding]\nmax_hops = 1\n").contains("forwarding.max_hops"));
        assertTrue(error("[forwarding]\nsrs_secret = \"x\"\n").contains("srs_secret"), "an unknown key is named");
    }

    @Test
    void deliveryAndDnsDefaultsAndValidation() {
        Config.Delivery d = parse("").delivery();
        assertFalse(d.hold());
        assertEquals(25, d.remotePort());
        assertEquals(java.util.List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
                Duration.ofMinutes(30), Duration.ofHours(1)), d.retryIntervals());
        assertEquals(Duration.ofDays(5), d.expire());
        assertTrue(d.delayWarning().isEmpty() && d.smarthost().isEmpty() && d.requireTlsDomains().isEmpty());
        assertEquals(Duration.ofMinutes(2), d.lease());
        assertFalse(d.nodeId().isEmpty(), "the machine's name by default");
        assertEquals("mx-2", parse("[delivery]\nnode_id = \"mx-2\"\n").delivery().nodeId());
        assertTrue(error("[delivery]\nnode_id = \"two words\"\n").startsWith("delivery.node_id: "));
        assertTrue(error("[delivery]\nlease = \"0s\"\n").startsWith("delivery.lease: "));
        assertEquals(new Config.Dns(java.util.List.of(), Duration.ofSeconds(5)), parse("").dns());

        Config set = parse("[dns]\nservers = [\"127.0.0.1:5353\", \"::1\", \"[::1]:53\"]\ntimeout = \"2s\"\n"
                + "[delivery]\nremote_port = 2525\nretry_intervals = [\"1s\", \"2m\"]\nexpire = \"1h\"\n"
                + "delay_warning = \"4h\"\nrequire_tls_domains = [\"Bank.Example\"]\n"
                + "[delivery.smarthost]\nhost = \"smtp.provider.example\"\nusername = \"me\"\npassword_file = \"/etc/pw\"\n");
        assertEquals(java.util.List.of("127.0.0.1:5353", "::1", "[::1]:53"), set.dns().servers());
        assertEquals(java.util.List.of(Duration.ofSeconds(1), Duration.ofMinutes(2)), set.delivery().retryIntervals());
        assertEquals(Optional.of(Duration.ofHours(4)), set.delivery().delayWarning());
        assertEquals(java.util.List.of("bank.example"), set.delivery().requireTlsDomains());
        assertEquals(new Config.Smarthost("smtp.provider.example", 587, false, Optional.of("me"), Optional.of(Path.of("/etc/pw"))),
                set.delivery().smarthost().orElseThrow());
        assertEquals(465, parse("[delivery.smarthost]\nhost = \"h.example\"\ntls = \"implicit\"\n").delivery().smarthost()
                .orElseThrow().port());

        assertTrue(error("[delivery]\nretry_intervals = []\n").startsWith("delivery.retry_intervals: "));
        assertTrue(error("[delivery]\nretry_intervals = [\"soon\"]\n").startsWith("delivery.retry_intervals: "));
        assertTrue(error("[delivery]\nremote_port = 0\n").startsWith("delivery.remote_port: "));
        assertTrue(error("[delivery]\ndelay_warning = \"later\"\n").startsWith("delivery.delay_warning: "));
        assertTrue(error("[delivery]\nrequire_tls_domains = [\"not a domain\"]\n").startsWith("delivery.require_tls_domains: "));
        assertTrue(error("[delivery.smarthost]\nhost = \"h.example\"\npassword = \"secret\"\n")
                .startsWith("delivery.smarthost.password: unknown key"), "no password in the config");
        assertTrue(error("[delivery.smarthost]\nhost = \"h.example\"\nusername = \"me\"\n")
                .startsWith("delivery.smarthost.password_file: "));
        assertTrue(error("[delivery.smarthost]\nhost = \"h.example\"\ntls = \"none\"\n").startsWith("delivery.smarthost.tls: "));
        assertTrue(error("[dns]\nservers = [\"not a server!\"]\n").startsWith("dns.servers: "));
    }

    @Test
    void httpSectionDefaultsAndValidation() {
        Config.Http d = parse("").http();
        assertEquals("testing", d.mtaStsMode());
        assertEquals(Duration.ofDays(7), d.mtaStsMaxAge());
        assertTrue(d.metricsToken().isEmpty());
        assertTrue(d.adminApi());
        assertEquals(IpNetwork.LOOPBACK, d.metricsAllowFrom(), "metrics for this machine only, by default");
        Config.Http set = parse("[http]\nmta_sts_mode = \"Enforce\"\nmta_sts_max_age = \"30d\"\n"
                + "metrics_token = \"0123456789abcdef\"\nmetrics_allow_from = [\"10.0.0.0/8\", \"2001:db8::1\"]\n"
                + "admin_api = false\n").http();
        assertEquals(new Config.Http("enforce", Duration.ofDays(30), Optional.of("0123456789abcdef"),
                java.util.List.of(IpNetwork.parse("10.0.0.0/8").orElseThrow(), IpNetwork.parse("2001:db8::1/128").orElseThrow()),
                false), set);
        assertEquals(java.util.List.of(), parse("[http]\nmetrics_allow_from = []\n").http().metricsAllowFrom());
        assertTrue(error("[http]\nmetrics_allow_from = [\"prometheus.example\"]\n").startsWith("http.metrics_allow_from: "));
        assertTrue(error("[http]\nmta_sts_mode = \"strict\"\n").startsWith("http.mta_sts_mode: "));
        assertTrue(error("[http]\nmta_sts_max_age = \"400d\"\n").startsWith("http.mta_sts_max_age: at most"));
        assertTrue(error("[http]\nmta_sts_max_age = \"10s\"\n").startsWith("http.mta_sts_max_age: must be at least"));
        assertTrue(error("[http]\nmetrics_token = \"short\"\n").startsWith("http.metrics_token: "));
        assertTrue(error("[http]\nmetrics_token = \"has a space in it ok\"\n").startsWith("http.metrics_token: "));
        assertTrue(error("[http]\nadmin_token = \"x\"\n").startsWith("http.admin_token: unknown key"));
    }

    @Test
    void authSectionDefaultsAndValidation() {
        assertEquals(new Config.Auth(3, 20, Duration.ofMinutes(15), 10, Duration.ofSeconds(30), Optional.empty()), parse("").auth());
        assertEquals(new Config.Auth(3, 20, Duration.ofMinutes(15), 4, Duration.ofMillis(300), Optional.empty()),
                parse("[auth]\naccount_failures_before_delay = 4\naccount_max_delay = \"300ms\"\n").auth());
        assertTrue(error("[auth]\naccount_failures_before_delay = 0\n").startsWith("auth.account_failures_before_delay: "));
        assertTrue(error("[auth]\naccount_max_delay = \"2m\"\n").startsWith("auth.account_max_delay: must be between"));
        assertTrue(error("[auth]\naccount_max_delay = \"1ms\"\n").startsWith("auth.account_max_delay: must be between"));
        assertEquals(Optional.of("example.com"), parse("[auth]\ndefault_domain = \"Example.COM\"\n").auth().defaultDomain());
        assertTrue(error("[auth]\ndefault_domain = \"not a domain\"\n").startsWith("auth.default_domain: "));
        assertTrue(error("[auth]\ndefault_domain = \"localhost\"\n").startsWith("auth.default_domain: "));
    }

    @Test
    void antispamAndMilterSectionsDefaultsAndValidation() {
        Config d = parse("");
        assertEquals(java.util.List.of(), d.antispam().trustedNetworks(), "checks apply to every client by default");
        assertEquals(true, d.antispam().senderChecks());
        assertEquals(Config.Action.RECORD, d.antispam().fcrdns());
        assertEquals(false, d.antispam().greylisting());
        assertEquals(java.util.List.of(), d.milters());
        Config c = parse("[antispam]\ntrusted_networks = [\"192.0.2.0/24\"]\ndnsbl = [\"Zen.Spamhaus.org\"]\ndnsbl_action = \"junk\"\n"
                + "[[milter]]\naddress = \"inet:127.0.0.1:11332\"\non_failure = \"accept\"\n"
                + "[[milter]]\naddress = \"unix:/run/clamav/clamav-milter.ctl\"\nvirus_symbols = []\n");
        assertEquals(java.util.List.of("zen.spamhaus.org"), c.antispam().dnsbl());
        assertEquals(Config.Action.JUNK, c.antispam().dnsblAction());
        assertEquals(2, c.milters().size());
        assertEquals(true, c.milters().get(0).acceptOnFailure());
        assertEquals(false, c.milters().get(1).acceptOnFailure(), "tempfail by default");
        assertEquals(java.util.List.of("CLAM_VIRUS", "CLAMAV"), c.milters().get(0).virusSymbols(), "rspamd's ClamAV rule by default");
        assertEquals(java.util.List.of(), c.milters().get(1).virusSymbols(), "a filter that scans for no viruses");
        assertTrue(error("[antispam]\ntrusted_networks = [\"mx.example.org\"]\n").startsWith("antispam.trusted_networks:"));
        assertTrue(error("[antispam]\nfcrdns = \"maybe\"\n").startsWith("antispam.fcrdns: expected one of off, record, junk, reject"));
        assertTrue(error("[antispam]\ndnsbl_action = \"record\"\n").startsWith("antispam.dnsbl_action:"));
        assertTrue(error("[[milter]]\naddress = \"127.0.0.1:11332\"\n").startsWith("milter[1].address:"));
        assertTrue(error("[[milter]]\naddress = \"inet:127.0.0.1:1\"\nspam_header = \"nocolon\"\n").startsWith("milter[1].spam_header:"));
        assertTrue(error("[[milter]]\naddress = \"inet:127.0.0.1:1\"\nvirus_symbols = [\"CLAM VIRUS\"]\n")
                .startsWith("milter[1].virus_symbols:"));
    }

    @Test
    void proxyProtocolIsOffByDefaultAndValidated() {
        Config c = parse("");
        assertEquals(Optional.empty(), c.listen().proxy("smtp"));
        Config on = parse("[listen]\nproxy_protocol = [\"smtp\", \"imaps\"]\n"
                + "proxy_trusted = [\"10.0.0.0/8\", \"2001:db8::5\"]\nproxy_timeout = \"2s\"\n");
        var smtp = on.listen().proxy("smtp").orElseThrow();
        assertEquals(java.util.List.of(IpNetwork.parse("10.0.0.0/8").orElseThrow(), IpNetwork.parse("2001:db8::5/128").orElseThrow()),
                smtp.trusted());
        assertEquals(Duration.ofSeconds(2), smtp.headerTimeout());
        assertTrue(on.listen().proxy("imaps").isPresent());
        assertEquals(Optional.empty(), on.listen().proxy("imap"), "only the listeners named");
        assertEquals(Duration.ofSeconds(5), parse("[listen]\nproxy_protocol = [\"pop3\"]\nproxy_trusted = [\"127.0.0.1\"]\n")
                .listen().proxy("pop3").orElseThrow().headerTimeout());

        assertTrue(error("[listen]\nproxy_protocol = [\"smpt\"]\nproxy_trusted = [\"10.0.0.0/8\"]\n")
                .startsWith("listen.proxy_protocol: 'smpt' is not a listener"));
        assertTrue(error("[listen]\nproxy_protocol = [\"https\"]\nproxy_trusted = [\"10.0.0.0/8\"]\n")
                .startsWith("listen.proxy_protocol: 'https' is not supported"));
        assertTrue(error("[listen]\nproxy_protocol = [\"smtp\"]\nproxy_trusted = [\"10.0.0.0/33\"]\n")
                .startsWith("listen.proxy_trusted: '10.0.0.0/33' is not an IP network"));
        assertTrue(error("[listen]\nproxy_protocol = [\"smtp\"]\nproxy_trusted = [\"haproxy.internal\"]\n")
                .startsWith("listen.proxy_trusted: "));
        assertTrue(error("[listen]\nproxy_protocol = [\"smtp\"]\n").startsWith("listen.proxy_trusted: list the load balancers"));
        assertTrue(error("[listen]\nproxy_protocol = \"smtp\"\n").startsWith("listen.proxy_protocol: expected a list"));
        assertTrue(error("[listen]\nproxy_protocol = [\"smtp\"]\nproxy_trusted = [\"10.0.0.0/8\"]\nproxy_timeout = \"5m\"\n")
                .startsWith("listen.proxy_timeout: must be between"));
    }

    @Test
    void portOffsetShiftsEveryPortButZero() {
        Config c = ConfigLoader.parse("[listen.ports]\nimap = 0\n",
                new ConfigLoader.Overrides(Optional.empty(), Optional.of(10000), Optional.of("mx.example.test")), "t");
        assertEquals(10025, c.listen().port("smtp").orElseThrow());
        assertEquals(10110, c.listen().port("pop3").orElseThrow());
        assertEquals(0, c.listen().port("imap").orElseThrow());
        assertEquals("mx.example.test", c.hostname());
    }

    @Test
    void falseDisablesAListener() {
        Config c = parse("[listen.ports]\npop3 = false\n");
        assertTrue(c.listen().port("pop3").isEmpty());
        assertTrue(c.listen().port("pop3s").isPresent());
    }

    @Test
    void unknownKeysAreRejectedWithTheirName() {
        assertTrue(error("hostnme = \"x\"").startsWith("hostnme: unknown key"));
        assertTrue(error("[pop3]\nidle = \"1m\"").startsWith("pop3.idle: unknown key"));
        assertTrue(error("[listen.ports]\nimapz = 1").startsWith("listen.ports.imapz: unknown key"));
        assertTrue(error("[nosuch]\na = 1").startsWith("nosuch: unknown key"));
    }

    @Test
    void badValuesNameTheKey() {
        assertTrue(error("[pop3]\nidle_timeout = 5").startsWith("pop3.idle_timeout: expected a duration"));
        assertTrue(error("[pop3]\nidle_timeout = \"1s\"").startsWith("pop3.idle_timeout: must be at least"));
        assertTrue(error("[listen.ports]\nsmtp = 70000").startsWith("listen.ports.smtp: expected a port"));
        assertTrue(error("[smtp]\nmax_message_size = \"lots\"").startsWith("smtp.max_message_size: expected a size"));
        assertTrue(error("[log]\nlevel = \"loud\"").startsWith("log.level:"));
        assertTrue(error("[tls]\ncertificate = \"/x.pem\"").startsWith("tls: set both"));
        assertTrue(error("hostname = \"bad host\"").startsWith("hostname:"));
        assertTrue(error("pop3 = 1").startsWith("pop3: expected a table"));
    }

    @Test
    void offsetThatPushesAPortPast65535IsRejected() {
        String msg = assertThrows(ConfigException.class, () -> ConfigLoader.parse("[listen.ports]\nhttps = 8443\n",
                new ConfigLoader.Overrides(Optional.empty(), Optional.of(60000), Optional.empty()), "t")).getMessage();
        assertTrue(msg.contains("exceeds 65535"), msg);
    }

    @Test
    void tomlSyntaxErrorsNameTheFile() {
        assertTrue(error("[pop3\n").startsWith("test.toml:"));
    }

    @Test
    void unitsParseAndFormat() {
        assertEquals(26214400L, Units.parseSize("25M").orElseThrow());
        assertEquals(1L << 30, Units.parseSize("1G").orElseThrow());
        assertEquals(512L, Units.parseSize("512").orElseThrow());
        assertEquals(2048L, Units.parseSize("2KiB").orElseThrow());
        assertTrue(Units.parseSize("-1").isEmpty());
        assertTrue(Units.parseSize("99999999999999T").isEmpty());
        assertEquals("25M", Units.formatSize(26214400));
        assertEquals("1000", Units.formatSize(1000));
        assertEquals(Duration.ofDays(5), Units.parseDuration("5d").orElseThrow());
        assertEquals(Duration.ofMillis(250), Units.parseDuration("250ms").orElseThrow());
        assertTrue(Units.parseDuration("5 weeks").isEmpty());
        assertEquals("5d", Units.formatDuration(Duration.ofDays(5)));
        assertEquals("90m", Units.formatDuration(Duration.ofMinutes(90)));
        assertEquals("4s", Units.formatDuration(Duration.ofSeconds(4)));
        assertEquals("1500ms", Units.formatDuration(Duration.ofMillis(1500)));
    }
}
