package dev.letterbox.cli;

import dev.letterbox.auth.Addresses;
import dev.letterbox.config.Config;
import dev.letterbox.dkim.DkimKeyStore;
import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.setup.DkimRecords;
import dev.letterbox.setup.DnsRecords;
import dev.letterbox.setup.HostnameAdvice;
import dev.letterbox.setup.MtaStsPolicy;
import dev.letterbox.setup.PublishedRecords;
import dev.letterbox.store.MailStore;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints the DNS records to publish for a domain, as zone-file lines each with a one-line comment.
 * Host name and ports are the running server's when it runs, else the config's; the MTA-STS policy
 * (and so its id) comes from the config, so pass the same {@code --config} as to {@code serve}.
 */
@Command(name = "dns", mixinStandardHelpOptions = true,
        description = "Print the DNS records to publish for DOMAIN (MX, SPF, DKIM, DMARC, SRV, autoconfig, MTA-STS)"
                + " and check each against what DNS answers now.")
final class DnsCommand implements Callable<Integer> {
    /** The whole check's time limit, so a machine without working DNS still gets its records printed. */
    private static final Duration CHECK_BUDGET = Duration.ofSeconds(20);

    @Mixin
    DataOption data;


    @Option(names = "--ip", paramLabel = "A.B.C.D", description = "The server's public IPv4 address (A record, SPF); repeatable")
    List<String> ipv4 = new ArrayList<>();

    @Option(names = "--ipv6", paramLabel = "ADDRESS", description = "The server's public IPv6 address (AAAA record, SPF); repeatable")
    List<String> ipv6 = new ArrayList<>();

    @Option(names = "--no-check", description = "Only print the records; do not compare them with what DNS answers now")
    boolean noCheck;

    @Parameters(paramLabel = "DOMAIN")
    String domain;

    @Override
    public Integer call() throws Exception {
        String d = Addresses.normalizeDomain(domain)
                .orElseThrow(() -> new Main.CliExit(1, "'" + domain + "' is not a valid domain name"));
        List<String> v4 = literals(ipv4, Inet4Address.class, "--ip");
        List<String> v6 = literals(ipv6, Inet6Address.class, "--ipv6");
        Config cfg = data.loadConfig();
        Listeners listeners = Listeners.find(data.dir(), () -> cfg);
        MtaStsPolicy policy = MtaStsPolicy.of(cfg.http().mtaStsMode(), listeners.hostname(), cfg.http().mtaStsMaxAge());

        System.out.println("; DNS records for " + d + ", whose mail this server (" + listeners.hostname() + ") handles");
        System.out.println("; ports as the server " + (listeners.running() ? "runs now" : "is configured (it is not running)"));
        HostnameAdvice.warning(listeners.hostname(), Optional.of(d)).ifPresent(w -> System.out.println("; WARNING: " + w));
        if (!hosted(d)) System.out.println("; " + d + " is not hosted here yet: letterbox domain add " + d);
        List<DnsRecords.Item> items = DnsRecords.forDomain(d, listeners.hostname(), listeners.ports(), v4, v6,
                policy, DkimRecords.of(new DkimKeyStore(data.dir())));
        Map<DnsRecords.Record, String> verdicts = Map.of();
        if (!noCheck) {
            PublishedRecords.Report report = PublishedRecords.check(items, listeners.hostname(),
                    new DnsjavaResolver(cfg.dns().servers(), cfg.dns().timeout()).within(CHECK_BUDGET));
            System.out.println("; What DNS answers now (each record below has a 'check:' line; --no-check skips this):");
            for (String line : report.host()) System.out.println(";   " + line);
            verdicts = report.perRecord();
        }
        System.out.print(DnsRecords.zoneText(items, verdicts));
        return 0;
    }

    private boolean hosted(String d) throws Exception {
        boolean embedded = data.loadConfig().store().backend() == Config.Store.Backend.SQLITE;
        if (embedded && !Files.isRegularFile(data.dir().resolve("letterbox.db"))) return false; // do not create a store
        try (MailStore store = data.openStore(false)) {
            return DataOption.directory(store).hostsDomain(d);
        }
    }

    /** IP literals of one family (IPv6 as the user wrote it, lower-cased); never a name to resolve. */
    private static List<String> literals(List<String> texts, Class<? extends InetAddress> family, String option) {
        List<String> out = new ArrayList<>();
        for (String text : texts) {
            boolean looksLiteral = family == Inet4Address.class ? text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
                    : text.contains(":") && text.matches("[0-9a-fA-F:.]+");
            InetAddress address = null;
            try {
                if (looksLiteral) address = InetAddress.getByName(text); // a literal: parsed, not looked up
            } catch (UnknownHostException ignored) {
                // reported below
            }
            if (!family.isInstance(address)) {
                throw new Main.CliExit(1, option + " " + text + ": not an " + (family == Inet4Address.class ? "IPv4" : "IPv6") + " address");
            }
            out.add(family == Inet4Address.class ? address.getHostAddress() : text.toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
