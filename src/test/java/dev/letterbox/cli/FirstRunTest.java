package dev.letterbox.cli;

import static dev.letterbox.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.config.Config;
import dev.letterbox.config.ConfigLoader;
import dev.letterbox.server.LetterboxServer;
import dev.letterbox.testing.LogCapture;
import dev.letterbox.testing.TestDnsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine whose own name is a bare label ({@code vm}): the server says so when it starts, and
 * {@code settings} and {@code dns} say so too, each suggesting {@code --hostname mail.DOMAIN}.
 */
class FirstRunTest {
    static final String ADVICE = "the host name 'vm' is not a fully qualified domain name";

    @TempDir
    Path dir;

    private String config(TestDnsServer dns) {
        StringBuilder toml = new StringBuilder("hostname = \"vm\"\n[listen]\naddress = \"127.0.0.1\"\n[listen.ports]\n");
        for (String name : Config.DEFAULT_PORTS.keySet()) toml.append(name).append(" = 0\n");
        return toml.append("[delivery]\nhold = true\n[dns]\nservers = [\"").append(dns.address()).append("\"]\ntimeout = \"2s\"\n")
                .toString();
    }

    @Test
    void aBareHostNameIsReportedAtStartInSettingsAndInDns() throws Exception {
        try (TestDnsServer dns = new TestDnsServer()) {
            Files.writeString(dir.resolve("letterbox.toml"), config(dns));
            assertEquals(0, run("domain", "add", "first.test", "--data", dir.toString()).exit());
            assertEquals(0, run("user", "add", "ann@first.test", "--data", dir.toString()).exit());

            Config cfg = ConfigLoader.load(Optional.of(dir.resolve("letterbox.toml")),
                    new ConfigLoader.Overrides(Optional.of(dir), Optional.empty(), Optional.empty()));
            try (LogCapture log = LogCapture.of("letterbox.server"); LetterboxServer server = LetterboxServer.start(cfg)) {
                assertTrue(log.lines().stream().anyMatch(l -> l.startsWith(ADVICE) && l.contains("--hostname mail.first.test")),
                        log.lines().toString());

                Cli.Result settings = run("settings", "ann@first.test", "--data", dir.toString());
                assertEquals(0, settings.exit(), settings.err());
                assertTrue(settings.out().contains("WARNING: " + ADVICE), settings.out());
                assertTrue(settings.out().contains("--hostname mail.first.test"), settings.out());

                Cli.Result zone = run("dns", "first.test", "--data", dir.toString());
                assertEquals(0, zone.exit(), zone.err());
                assertTrue(zone.out().contains("; WARNING: " + ADVICE), zone.out());
                assertTrue(zone.out().contains("--hostname mail.first.test"), zone.out());
                assertTrue(zone.out().contains(";   MISSING: vm has no A or AAAA record"), zone.out());
                assertTrue(zone.out().contains(";   check: MISSING: not published\nfirst.test."), "the MX is checked too: " + zone.out());
            }
        }
    }

    @Test
    void aQualifiedHostNameGetsNoWarning() throws Exception {
        try (TestDnsServer dns = new TestDnsServer()) {
            Files.writeString(dir.resolve("letterbox.toml"), config(dns).replace("hostname = \"vm\"", "hostname = \"mail.first.test\""));
            assertEquals(0, run("domain", "add", "first.test", "--data", dir.toString()).exit());
            assertEquals(0, run("user", "add", "ann@first.test", "--data", dir.toString()).exit());
            String out = run("settings", "ann@first.test", "--data", dir.toString()).out()
                    + run("dns", "first.test", "--no-check", "--data", dir.toString()).out();
            assertTrue(!out.contains("WARNING") && !out.contains("check:"), out);
        }
    }
}
