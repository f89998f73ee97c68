package dev.letterbox.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
                atLeast(auth, "block_time", Duration.ofMinutes(15), Duration.ofSeconds(1)));
        auth.finish();

        Section pop3 = root.section("pop3");
        Config.Pop3 p = new Config.Pop3(
                atLeast(pop3, "idle_timeout", Duration.ofMinutes(10), Duration.ofSeconds(10)),
                pop3.bool("plaintext_auth_on_loopback", false));
        pop3.finish();

        Section smtp = root.section("smtp");
        Config.Smtp s = new Config.Smtp(
                atLeast(smtp, "idle_timeout", Duration.ofMinutes(5), Duration.ofSeconds(10)),
                smtp.size("max_message_size", 50L << 20),
                (int) smtp.integer("max_recipients", 100, 1, 100_000));
        smtp.finish();

        Section imap = root.section("imap");
        Duration imapIdle = atLeast(imap, "idle_timeout", Duration.ofMinutes(30), Duration.ofSeconds(10));
        boolean imapLoopback = imap.bool("plaintext_auth_on_loopback", false);
        long commandLength = imap.size("max_command_length", 64 << 10);
        if (commandLength < 1024 || commandLength > (16 << 20)) {
            throw new ConfigException("imap.max_command_length: must be between 1K and 16M");
        }
        long appendLimit = imap.size("append_limit", s.maxMessageSize());
        if (appendLimit < 1024 || appendLimit > 0xFFFF_FFFFL) {
            throw new ConfigException("imap.append_limit: must be between 1K and 4G");
        }
        Config.Imap i = new Config.Imap(imapIdle, imapLoopback, (int) commandLength, appendLimit);
        imap.finish();

        Section log = root.section("log");
        String level = log.string("level", "info").toLowerCase(Locale.ROOT);
        if (!List.of("error", "warning", "info", "debug").contains(level)) {
            throw new ConfigException("log.level: expected one of error, warning, info, debug");
        }
        log.finish();

        root.finish();
        return new Config(hostname, dataDir, listen, tls, lim, a, p, i, s, new Config.Log(level));
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
        section.finish();
        return new Config.Listen(address, offset, java.util.Collections.unmodifiableMap(effective));
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
                atLeast(section, "handshake_timeout", Duration.ofSeconds(30), Duration.ofSeconds(1)));
        section.finish();
        return tls;
    }

    private static Duration atLeast(Section s, String key, Duration fallback, Duration min) {
        Duration d = s.duration(key, fallback);
        if (d.compareTo(min) < 0) throw new ConfigException(s.key(key) + ": must be at least " + min.toSeconds() + "s");
        return d;
    }

    /** {@code $LETTERBOX_DATA}, else ./data. */
    public static Path defaultDataDir() {
        String env = System.getenv("LETTERBOX_DATA");
        return Path.of(env != null && !env.isEmpty() ? env : "data");
    }

    private static String systemHostname() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            if (name != null && !name.isEmpty() && !name.matches("[0-9.:]+")) return name;
        } catch (IOException ignored) {
            // fall through
        }
        return "localhost";
    }
}
