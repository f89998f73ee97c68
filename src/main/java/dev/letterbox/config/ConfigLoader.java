package dev.letterbox.config;

import dev.letterbox.net.IpNetwork;
import dev.letterbox.net.ProxyProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/**
 * Reads the TOML file (if any), applies command-line overrides and validates everything, naming the
 * offending key on the first problem.
 */
public final class ConfigLoader {
    /** RFC 8461 §3.2: max_age is at most 31557600 seconds. */
    private static final long MTA_STS_MAX_AGE_LIMIT = 31_557_600;

    /** Values given on the command line; they win over the file. */
    public record Overrides(Optional<Path> dataDir, Optional<Integer> portOffset, Optional<String> hostname) {
        public static Overrides none() {
            return new Overrides(Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    private ConfigLoader() {}

    /**
     * Loads {@code file}, or when absent {@code DATA/letterbox.toml} if that exists, or pure defaults.
     */
    public static Config load(Optional<Path> file, Overrides overrides) {
        Path dataDir = overrides.dataDir().orElse(null);
        Optional<Path> chosen = file;
        if (chosen.isEmpty()) {
            Path candidate = (dataDir != null ? dataDir : defaultDataDir()).resolve("letterbox.toml");
            if (Files.isRegularFile(candidate)) chosen = Optional.of(candidate);
        }
        String text = "";
        if (chosen.isPresent()) {
            try {
                text = Files.readString(chosen.get());
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + chosen.get() + ": " + e.getMessage());
            }
        }
        return parse(text, overrides, chosen.map(Path::toString).orElse("(defaults)"));
    }

    /** Parses TOML text; {@code origin} names the source in error messages. */
    public static Config parse(String toml, Overrides overrides, String origin) {
        TomlParseResult result = Toml.parse(toml);
        if (result.hasErrors()) {
            var e = result.errors().get(0);
            throw new ConfigException(origin + ": " + e.toString());
        }
        Section root = new Section("", result);

        String hostname = overrides.hostname().orElse(root.string("hostname", ""));
        if (hostname.isEmpty()) hostname = systemHostname();
        hostname = hostname.toLowerCase(Locale.ROOT);
        if (!hostname.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
            throw new ConfigException("hostname: '" + hostname + "' is not a valid host name");
        }
        String dataText = root.string("data_dir", "");
        Path dataDir = overrides.dataDir().orElse(dataText.isEmpty() ? defaultDataDir() : Path.of(dataText));

        Config.Listen listen = listen(root.section("listen"), overrides);
        Config.Tls tls = tls(root.section("tls"));
        Section limits = root.section("limits");
        Config.Limits lim = new Config.Limits(
                (int) limits.integer("max_connections", 20_000, 1, 1_000_000),
                (int) limits.integer("max_connections_per_ip", 100, 1, 1_000_000));
        limits.finish();

        Section auth = root.section("auth");
        Config.Auth a = new Config.Auth(
                (int) auth.integer("failures_before_delay", 3, 0, 1_000_000),
                (int) auth.integer("failures_before_block", 20, 1, 1_000_000),
                atLeast(auth, "block_time", Duration.ofMinutes(15), Duration.ofSeconds(1)),
                (int) auth.integer("account_failures_before_delay", 10, 1, 1_000_000),
                between(auth, "account_max_delay", Duration.ofSeconds(30), Duration.ofMillis(10), Duration.ofMinutes(1)),
                defaultDomain(auth));
        auth.finish();

        Section pop3 = root.section("pop3");
        Config.Pop3 p = new Config.Pop3(
                atLeast(pop3, "idle_timeout", Duration.ofMinutes(10), Duration.ofSeconds(10)),
                atLeast(pop3, "login_timeout", Duration.ofSeconds(60), Duration.ofSeconds(1)),
                pop3.bool("plaintext_auth_on_loopback", false));
        pop3.finish();

        Section smtp = root.section("smtp");
        Config.Smtp s = new Config.Smtp(
                atLeast(smtp, "idle_timeout", Duration.ofMinutes(5), Duration.ofSeconds(10)),
                atLeast(smtp, "login_timeout", Duration.ofMinutes(5), Duration.ofSeconds(1)),
                smtp.size("max_message_size", 50L << 20),
                (int) smtp.integer("max_recipients", 100, 1, 100_000),
                (int) smtp.integer("max_errors", 10, 1, 1_000),
                (int) smtp.integer("max_commands", 10_000, 10, 10_000_000),
                (int) smtp.integer("command_rate_per_ip", 1_000, 0, 1_000_000));
        if (s.maxMessageSize() < 1024) throw new ConfigException("smtp.max_message_size: must be at least 1K");
        smtp.finish();

        Section imap = root.section("imap");
        Duration imapIdle = atLeast(imap, "idle_timeout", Duration.ofMinutes(30), Duration.ofSeconds(10));
        Duration imapLogin = atLeast(imap, "login_timeout", Duration.ofSeconds(60), Duration.ofSeconds(1));
        boolean imapLoopback = imap.bool("plaintext_auth_on_loopback", false);
        long commandLength = imap.size("max_command_length", 64 << 10);
        if (commandLength < 1024 || commandLength > (16 << 20)) {
            throw new ConfigException("imap.max_command_length: must be between 1K and 16M");
        }
        long appendLimit = imap.size("append_limit", s.maxMessageSize());
        if (appendLimit < 1024 || appendLimit > 0xFFFF_FFFFL) {
            throw new ConfigException("imap.append_limit: must be between 1K and 4G");
        }
        String sharedAccount = imap.string("shared_account", "").toLowerCase(Locale.ROOT);
        if (!sharedAccount.matches("[a-z0-9._+-]{0,64}")) {
            throw new ConfigException("imap.shared_account: a local part such as \"shared\" (no @ or domain)");
        }
        Config.Imap i = new Config.Imap(imapIdle, imapLogin, imapLoopback, (int) commandLength, appendLimit, sharedAccount);
        imap.finish();

        Config.Http h = http(root.section("http"));
        Config.Dns dns = dns(root.section("dns"));
        Config.Delivery delivery = delivery(root.section("delivery"));
        Config.Antispam antispam = antispam(root.section("antispam"));
        List<Config.Milter> milters = new java.util.ArrayList<>();
        for (Section m : root.tables("milter")) milters.add(milter(m));

        Config.Store store = store(root.section("store"), dataDir);
        Config.Sieve sieve = sieve(root.section("sieve"));
        Config.Forwarding forwarding = forwarding(root.section("forwarding"), hostname, dataDir);

        Section log = root.section("log");
        String level = log.string("level", "info").toLowerCase(Locale.ROOT);
        if (!List.of("error", "warning", "info", "debug").contains(level)) {
            throw new ConfigException("log.level: expected one of error, warning, info, debug");
        }
        log.finish();

        root.finish();
        return new Config(hostname, dataDir, listen, tls, lim, a, p, i, s, h, dns, delivery, antispam, List.copyOf(milters),
                new Config.Log(level), store, sieve, forwarding);
    }

    private static Config.Forwarding forwarding(Section section, String hostname, Path dataDir) {
        boolean srs = section.bool("srs", true);
        String domain = section.string("srs_domain", "").toLowerCase(Locale.ROOT);
        if (domain.isEmpty()) domain = hostname;
        if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
            throw new ConfigException(section.key("srs_domain") + ": '" + domain + "' is not a domain name");
        }
        String secretFile = section.string("srs_secret_file", "");
        Duration maxAge = section.duration("srs_max_age", Duration.ofDays(21));
        if (maxAge.toDays() < 1 || maxAge.toDays() > 1000 || maxAge.toDays() * 86_400 != maxAge.toSeconds()) {
            throw new ConfigException(section.key("srs_max_age") + ": whole days from \"1d\" to \"1000d\" (the SRS timestamp counts days)");
        }
        int maxHops = (int) section.integer("max_hops", 50, 5, 500);
        section.finish();
        return new Config.Forwarding(srs, domain, secretFile.isEmpty() ? dataDir.resolve("srs-secrets") : Path.of(secretFile),
                (int) maxAge.toDays(), maxHops);
    }

    private static Config.Listen listen(Section section, Overrides overrides) {
        String address = section.string("address", "*");
        int offset = overrides.portOffset().orElse((int) section.integer("port_offset", 0, 0, 60000));
        if (offset < 0 || offset > 60000) throw new ConfigException("port offset: expected 0..60000");
        Section ports = section.section("ports");
        Map<String, Integer> effective = new LinkedHashMap<>();
        for (var e : Config.DEFAULT_PORTS.entrySet()) {
            int port = ports.portOrOff(e.getKey(), e.getValue());
            if (port < 0) continue; // disabled
            int shifted = port == 0 ? 0 : port + offset;
            if (shifted > 65535) {
                throw new ConfigException("listen.ports." + e.getKey() + ": " + port + " + offset " + offset + " exceeds 65535");
            }
            effective.put(e.getKey(), shifted);
        }
        ports.finish();
        java.util.Set<String> proxied = new java.util.LinkedHashSet<>();
        for (String name : section.strings("proxy_protocol", List.of())) {
            if (name.equals("http") || name.equals("https")) {
                throw new ConfigException(section.key("proxy_protocol") + ": '" + name + "' is not supported; the PROXY protocol"
                        + " works on the mail listeners (smtp, submission, submissions, imap, imaps, pop3, pop3s, managesieve)");
            }
            if (!Config.DEFAULT_PORTS.containsKey(name)) {
                throw new ConfigException(section.key("proxy_protocol") + ": '" + name + "' is not a listener; use names from"
                        + " [listen.ports]: smtp, submission, submissions, imap, imaps, pop3, pop3s, managesieve");
            }
            proxied.add(name);
        }
        List<IpNetwork> trusted = new ArrayList<>();
        for (String network : section.strings("proxy_trusted", List.of())) {
            trusted.add(IpNetwork.parse(network).orElseThrow(() -> new ConfigException(section.key("proxy_trusted")
                    + ": '" + network + "' is not an IP network such as \"10.0.0.0/8\" or \"2001:db8::/32\"")));
        }
        if (!proxied.isEmpty() && trusted.isEmpty()) {
            throw new ConfigException(section.key("proxy_trusted") + ": list the load balancers' addresses, e.g. [\"10.0.0.5/32\"];"
                    + " proxy_protocol listeners accept connections only from them");
        }
        Duration proxyTimeout = between(section, "proxy_timeout", ProxyProtocol.DEFAULT_HEADER_TIMEOUT,
                Duration.ofMillis(100), Duration.ofMinutes(1));
        section.finish();
        return new Config.Listen(address, offset, java.util.Collections.unmodifiableMap(effective),
                java.util.Collections.unmodifiableSet(proxied), List.copyOf(trusted), proxyTimeout);
    }

    private static Config.Sieve sieve(Section section) {
        long maxSize = section.size("max_script_size", 64 << 10);
        if (maxSize < 1024 || maxSize > (1 << 20)) {
            throw new ConfigException(section.key("max_script_size") + ": must be between 1K and 1M");
        }
        Config.Sieve sieve = new Config.Sieve(maxSize,
                (int) section.integer("max_scripts", 20, 1, 10_000),
                (int) section.integer("max_redirects", 4, 0, 100),
                scriptFiles(section, "before"), scriptFiles(section, "after"),
                atLeast(section, "idle_timeout", Duration.ofMinutes(10), Duration.ofSeconds(10)),
                atLeast(section, "login_timeout", Duration.ofSeconds(60), Duration.ofSeconds(1)));
        section.finish();
        return sieve;
    }

    /** Paths of the administrator's scripts; whether they exist and compile is checked when the server starts. */
    private static List<Path> scriptFiles(Section section, String key) {
        List<Path> paths = new ArrayList<>();
        for (String file : section.strings(key, List.of())) {
            if (file.isBlank()) throw new ConfigException(section.key(key) + ": an empty file name");
            paths.add(Path.of(file));
        }
        return List.copyOf(paths);
    }

    private static Config.Tls tls(Section section) {
        String cert = section.string("certificate", "");
        String key = section.string("private_key", "");
        if (cert.isEmpty() != key.isEmpty()) {
            throw new ConfigException("tls: set both certificate and private_key, or neither (self-signed)");
        }
        Config.Tls tls = new Config.Tls(
                cert.isEmpty() ? Optional.empty() : Optional.of(Path.of(cert)),
                key.isEmpty() ? Optional.empty() : Optional.of(Path.of(key)),
                (int) section.integer("max_handshakes", 64, 1, 100_000),
                atLeast(section, "handshake_timeout", Duration.ofSeconds(30), Duration.ofSeconds(1)),
                atLeast(section, "hello_timeout", Duration.ofSeconds(10), Duration.ofMillis(100)),
                acme(section.section("acme")));
        if (tls.acme().isPresent() && tls.certificate().isPresent()) {
            throw new ConfigException("tls: certificate/private_key and [tls.acme] exclude each other: choose one");
        }
        section.finish();
        return tls;
    }

    private static Optional<Config.Acme> acme(Section section) {
        String directory = section.string("directory", "");
        if (directory.isEmpty()) {
            section.finish();
            return Optional.empty();
        }
        java.net.URI url;
        try {
            url = java.net.URI.create(directory);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(section.key("directory") + ": not a URL");
        }
        if (!"https".equals(url.getScheme())) throw new ConfigException(section.key("directory") + ": an https:// URL expected");
        String contact = section.string("contact", "");
        String ca = section.string("directory_ca", "");
        double renewAfter = section.integer("renew_after_percent", 67, 0, 99) / 100.0;
        String challenge = section.string("challenge", "http-01").toLowerCase(Locale.ROOT);
        if (!List.of("http-01", "tls-alpn-01").contains(challenge)) {
            throw new ConfigException(section.key("challenge") + ": \"http-01\" or \"tls-alpn-01\" expected");
        }
        section.finish();
        return Optional.of(new Config.Acme(url, contact.isEmpty() ? Optional.empty() : Optional.of(contact),
                ca.isEmpty() ? Optional.empty() : Optional.of(Path.of(ca)), renewAfter, challenge));
    }

    private static Config.Http http(Section section) {
        String mode = section.string("mta_sts_mode", "testing").toLowerCase(Locale.ROOT);
        if (!List.of("testing", "enforce", "none").contains(mode)) {
            throw new ConfigException(section.key("mta_sts_mode") + ": expected one of testing, enforce, none");
        }
        Duration maxAge = atLeast(section, "mta_sts_max_age", Duration.ofDays(7), Duration.ofMinutes(1));
        if (maxAge.toSeconds() > MTA_STS_MAX_AGE_LIMIT) {
            throw new ConfigException(section.key("mta_sts_max_age") + ": at most " + MTA_STS_MAX_AGE_LIMIT + "s (about a year, RFC 8461 §3.2)");
        }
        String token = section.string("metrics_token", "");
        if (!token.isEmpty() && !token.matches("[\\x21-\\x7e]{16,256}")) {
            throw new ConfigException(section.key("metrics_token") + ": use 16 to 256 printable ASCII characters without spaces, or \"\" for none");
        }
        List<IpNetwork> metricsFrom = new ArrayList<>();
        for (String network : section.strings("metrics_allow_from", List.of("127.0.0.0/8", "::1/128"))) {
            metricsFrom.add(IpNetwork.parse(network).orElseThrow(() -> new ConfigException(section.key("metrics_allow_from")
                    + ": '" + network + "' is not an IP network such as \"10.0.0.0/8\" or \"2001:db8::/32\"")));
        }
        Config.Http http = new Config.Http(mode, maxAge, token.isEmpty() ? Optional.empty() : Optional.of(token),
                List.copyOf(metricsFrom), section.bool("admin_api", true));
        section.finish();
        return http;
    }

    private static Config.Store store(Section section, Path dataDir) {
        String backendText = section.string("backend", "sqlite").toLowerCase(Locale.ROOT);
        Config.Store.Backend backend = switch (backendText) {
            case "sqlite" -> Config.Store.Backend.SQLITE;
            case "postgresql", "postgres" -> Config.Store.Backend.POSTGRESQL;
            default -> throw new ConfigException(section.key("backend") + ": expected \"sqlite\" or \"postgresql\"");
        };
        String url = section.string("url", "");
        String passwordFile = section.string("password_file", "");
        int poolSize = (int) section.integer("pool_size", 8, 1, 200);
        String blobsText = section.string("blobs", "files").toLowerCase(Locale.ROOT);
        Config.Store.Blobs blobs = switch (blobsText) {
            case "files" -> Config.Store.Blobs.FILES;
            case "database" -> Config.Store.Blobs.DATABASE;
            default -> throw new ConfigException(section.key("blobs") + ": expected \"files\" or \"database\"");
        };
        String blobDir = section.string("blob_dir", "");
        if (backend == Config.Store.Backend.POSTGRESQL) {
            if (url.isEmpty()) throw new ConfigException(section.key("url") + ": backend \"postgresql\" needs the database's URL, e.g. \"postgresql://letterbox@127.0.0.1:5432/letterbox\"");
            if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
                throw new ConfigException(section.key("url") + ": expected postgresql://user@host:port/database");
            }
            if (url.matches("[a-z]+://[^/@]*:[^/@]*@.*")) {
                throw new ConfigException(section.key("url") + ": put the password in password_file, not in the URL");
            }
        } else {
            if (!url.isEmpty()) throw new ConfigException(section.key("url") + ": only for backend \"postgresql\"");
            if (blobs == Config.Store.Blobs.DATABASE) {
                throw new ConfigException(section.key("blobs") + ": \"database\" needs backend \"postgresql\" (the embedded store keeps big messages as files)");
            }
        }
        section.finish();
        return new Config.Store(backend, url.isEmpty() ? Optional.empty() : Optional.of(url),
                passwordFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(passwordFile)), poolSize, blobs,
                blobDir.isEmpty() ? dataDir.resolve("blobs") : Path.of(blobDir));
    }

    private static Config.Dns dns(Section section) {
        List<String> servers = section.strings("servers", List.of());
        for (String server : servers) {
            if (!server.matches("(\\[[0-9a-fA-F:.]+\\]|[0-9a-zA-Z.-]+|[0-9a-fA-F:]+)")
                    && !server.matches("(\\[[0-9a-fA-F:.]+\\]|[0-9a-zA-Z.-]+):[0-9]{1,5}")) {
                throw new ConfigException(section.key("servers") + ": '" + server + "' is not host, host:port or [v6]:port");
            }
        }
        Duration timeout = atLeast(section, "timeout", Duration.ofSeconds(5), Duration.ofSeconds(1));
        section.finish();
        return new Config.Dns(List.copyOf(servers), timeout);
    }

    private static Config.Delivery delivery(Section section) {
        boolean hold = section.bool("hold", false);
        int remotePort = (int) section.integer("remote_port", 25, 1, 65535);
        List<Duration> intervals = section.durations("retry_intervals", List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1)));
        if (intervals.isEmpty()) throw new ConfigException(section.key("retry_intervals") + ": give at least one interval");
        for (Duration d : intervals) {
            if (d.compareTo(Duration.ofSeconds(1)) < 0) throw new ConfigException(section.key("retry_intervals") + ": each must be at least 1s");
        }
        Duration expire = atLeast(section, "expire", Duration.ofDays(5), Duration.ofSeconds(1));
        int maxConcurrent = (int) section.integer("max_concurrent", 100, 1, 10_000);
        int maxPerDomain = (int) section.integer("max_per_domain", 10, 1, 10_000);
        String warning = section.string("delay_warning", "");
        Optional<Duration> delayWarning = Optional.empty();
        if (!warning.isEmpty()) {
            delayWarning = Optional.of(Units.parseDuration(warning).orElseThrow(() -> section.bad("delay_warning",
                    "a duration such as \"4h\", or \"\" for no delay warnings")));
        }
        List<String> requireTls = new java.util.ArrayList<>();
        for (String d : section.strings("require_tls_domains", List.of())) {
            String domain = d.toLowerCase(Locale.ROOT);
            if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
                throw new ConfigException(section.key("require_tls_domains") + ": '" + d + "' is not a domain name");
            }
            requireTls.add(domain);
        }
        String trusted = section.string("trusted_certificates", "");
        Optional<Config.Smarthost> smarthost = smarthost(section.section("smarthost"));
        // The machine's name, not the mail host name: nodes behind one name must still differ.
        String nodeId = section.string("node_id", "");
        if (nodeId.isEmpty()) nodeId = systemHostname();
        if (!nodeId.matches("[A-Za-z0-9._:-]{1,100}")) {
            throw new ConfigException(section.key("node_id") + ": '" + nodeId + "' is not 1-100 letters, digits and . _ : -");
        }
        Duration lease = atLeast(section, "lease", Duration.ofMinutes(2), Duration.ofSeconds(1));
        section.finish();
        return new Config.Delivery(hold, remotePort, List.copyOf(intervals), expire, maxConcurrent, maxPerDomain,
                delayWarning, List.copyOf(requireTls), trusted.isEmpty() ? Optional.empty() : Optional.of(Path.of(trusted)),
                smarthost, nodeId, lease);
    }

    private static Config.Antispam antispam(Section section) {
        List<IpNetwork> trusted = new ArrayList<>();
        for (String t : section.strings("trusted_networks", List.of())) {
            trusted.add(IpNetwork.parse(t).orElseThrow(() -> new ConfigException(section.key("trusted_networks") + ": '" + t
                    + "' is not an address or network such as 192.0.2.0/24")));
        }
        boolean senderChecks = section.bool("sender_checks", true);
        int maxDkim = (int) section.integer("max_dkim_signatures", 5, 1, 50);
        boolean reports = section.bool("dmarc_reports", true);
        String reportFrom = section.string("dmarc_report_from", "");
        if (!reportFrom.isEmpty() && !reportFrom.matches("[^@\\s<>]+@[A-Za-z0-9.-]+")) {
            throw new ConfigException(section.key("dmarc_report_from") + ": '" + reportFrom + "' is not an address");
        }
        List<String> dnsbl = zones(section, "dnsbl");
        List<String> dnswl = zones(section, "dnswl");
        Config.Action dnsblAction = action(section, "dnsbl_action", Config.Action.REJECT, List.of(Config.Action.JUNK, Config.Action.REJECT));
        Config.Action fcrdns = action(section, "fcrdns", Config.Action.RECORD, List.of(Config.Action.values()));
        Config.Action helo = action(section, "helo_checks", Config.Action.RECORD, List.of(Config.Action.values()));
        boolean greylisting = section.bool("greylisting", false);
        Duration greylistDelay = atLeast(section, "greylist_delay", Duration.ofMinutes(5), Duration.ofSeconds(1));
        String controller = section.string("rspamd_controller", "");
        if (!controller.isEmpty() && !controller.matches("https?://[^\\s/]+(/.*)?")) {
            throw new ConfigException(section.key("rspamd_controller") + ": expected an http:// or https:// URL");
        }
        String passwordFile = section.string("rspamd_password_file", "");
        section.finish();
        Optional<Config.SpamLearning> learning = controller.isEmpty() ? Optional.empty()
                : Optional.of(new Config.SpamLearning(controller, passwordFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(passwordFile))));
        return new Config.Antispam(List.copyOf(trusted), senderChecks, maxDkim, reports,
                reportFrom.isEmpty() ? Optional.empty() : Optional.of(reportFrom), dnsbl, dnsblAction, dnswl, fcrdns, helo,
                greylisting, greylistDelay, learning);
    }

    private static List<String> zones(Section section, String key) {
        List<String> out = new java.util.ArrayList<>();
        for (String z : section.strings(key, List.of())) {
            String zone = z.toLowerCase(Locale.ROOT);
            if (!zone.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
                throw new ConfigException(section.key(key) + ": '" + z + "' is not a DNS zone name");
            }
            out.add(zone);
        }
        return List.copyOf(out);
    }

    private static Config.Action action(Section section, String key, Config.Action fallback, List<Config.Action> allowed) {
        String text = section.string(key, fallback.name().toLowerCase(Locale.ROOT)).toLowerCase(Locale.ROOT);
        for (Config.Action a : allowed) {
            if (a.name().toLowerCase(Locale.ROOT).equals(text)) return a;
        }
        throw new ConfigException(section.key(key) + ": expected one of "
                + String.join(", ", allowed.stream().map(a -> a.name().toLowerCase(Locale.ROOT)).toList()));
    }

    private static Config.Milter milter(Section section) {
        String address = section.string("address", "");
        if (!address.matches("inet6?:[^\\s]+:[0-9]{1,5}|unix:/\\S+")) {
            throw new ConfigException(section.key("address") + ": expected \"inet:HOST:PORT\" or \"unix:/path\"");
        }
        Duration timeout = atLeast(section, "timeout", Duration.ofSeconds(30), Duration.ofSeconds(1));
        String onFailure = section.string("on_failure", "tempfail").toLowerCase(Locale.ROOT);
        if (!List.of("tempfail", "accept").contains(onFailure)) {
            throw new ConfigException(section.key("on_failure") + ": expected \"tempfail\" or \"accept\"");
        }
        String spamHeader = section.string("spam_header", "X-Spam: Yes");
        if (!spamHeader.matches("[!-9;-~]+:\\s*\\S.*")) {
            throw new ConfigException(section.key("spam_header") + ": expected a field such as \"X-Spam: Yes\"");
        }
        List<String> virusSymbols = section.strings("virus_symbols", dev.letterbox.milter.VirusSymbols.RSPAMD_DEFAULTS);
        for (String symbol : virusSymbols) {
            if (!symbol.matches("[A-Za-z0-9_]+")) {
                throw new ConfigException(section.key("virus_symbols") + ": expected rspamd symbol names such as \"CLAM_VIRUS\"");
            }
        }
        section.finish();
        return new Config.Milter(address, timeout, onFailure.equals("accept"), spamHeader, List.copyOf(virusSymbols));
    }

    private static Optional<Config.Smarthost> smarthost(Section section) {
        String host = section.string("host", "");
        String tls = section.string("tls", "starttls").toLowerCase(Locale.ROOT);
        if (!List.of("starttls", "implicit").contains(tls)) {
            throw new ConfigException(section.key("tls") + ": expected \"starttls\" or \"implicit\"");
        }
        boolean implicit = tls.equals("implicit");
        int port = (int) section.integer("port", implicit ? 465 : 587, 1, 65535);
        String user = section.string("username", "");
        String passwordFile = section.string("password_file", "");
        section.finish();
        if (host.isEmpty()) {
            if (!user.isEmpty() || !passwordFile.isEmpty()) throw new ConfigException(section.key("host") + ": set the smarthost's host name");
            return Optional.empty();
        }
        if (!host.matches("[0-9a-zA-Z.-]+|\\[[0-9a-fA-F:.]+\\]")) {
            throw new ConfigException(section.key("host") + ": '" + host + "' is not a host name or [address]");
        }
        if (user.isEmpty() != passwordFile.isEmpty()) {
            throw new ConfigException(section.key("password_file") + ": set both username and password_file, or neither"
                    + " (the password itself never goes in the config)");
        }
        return Optional.of(new Config.Smarthost(host.toLowerCase(Locale.ROOT), port, implicit,
                user.isEmpty() ? Optional.empty() : Optional.of(user),
                passwordFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(passwordFile))));
    }

    private static Duration atLeast(Section s, String key, Duration fallback, Duration min) {
        Duration d = s.duration(key, fallback);
        if (d.compareTo(min) < 0) throw new ConfigException(s.key(key) + ": must be at least " + min.toSeconds() + "s");
        return d;
    }

    private static Duration between(Section s, String key, Duration fallback, Duration min, Duration max) {
        Duration d = s.duration(key, fallback);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ConfigException(s.key(key) + ": must be between " + Units.formatDuration(min) + " and " + Units.formatDuration(max));
        }
        return d;
    }

    /** {@code $LETTERBOX_DATA}, else ./data. */
    public static Path defaultDataDir() {
        String env = System.getenv("LETTERBOX_DATA");
        return Path.of(env != null && !env.isEmpty() ? env : "data");
    }

    /**
     * The machine's own name, without any DNS traffic (a reverse lookup here would make every CLI
     * command slow on a badly connected machine): the kernel's host name, else the JDK's idea of it.
     */
    private static String systemHostname() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) return name.toLowerCase(Locale.ROOT);
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env.strip().toLowerCase(Locale.ROOT) : "localhost";
    }

    private static final java.util.regex.Pattern DOMAIN_NAME =
            java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

    /** {@code [auth] default_domain}: like Dovecot's auth_default_realm; absent or "" for none. */
    private static Optional<String> defaultDomain(Section auth) {
        String value = auth.string("default_domain", "").strip().toLowerCase(java.util.Locale.ROOT);
        if (value.isEmpty()) return Optional.empty();
        if (!DOMAIN_NAME.matcher(value).matches()) {
            throw new ConfigException(auth.key("default_domain") + ": '" + value + "' is not a domain name such as \"example.com\"");
        }
        return Optional.of(value);
    }

}
