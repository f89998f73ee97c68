package dev.letterbox.config;

import dev.letterbox.net.IpNetwork;
import dev.letterbox.net.ProxyProtocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole server configuration. See {@code letterbox.example.toml} at the repository root for
 * every key with its default and meaning; {@link ConfigLoader} builds this from that file.
 */
public record Config(String hostname, Path dataDir, Listen listen, Tls tls, Limits limits, Auth auth,
                     Pop3 pop3, Imap imap, Smtp smtp, Http http, Dns dns, Delivery delivery, Antispam antispam,
                     List<Milter> milters, Log log, Store store, Sieve sieve, Forwarding forwarding) {

    /** Listener names in the order they start; each maps to its default port in {@link #DEFAULT_PORTS}. */
    public static final Map<String, Integer> DEFAULT_PORTS = orderedPorts();

    private static Map<String, Integer> orderedPorts() {
        var m = new java.util.LinkedHashMap<String, Integer>();
        m.put("smtp", 25);
        m.put("submission", 587);
        m.put("submissions", 465);
        m.put("imap", 143);
        m.put("imaps", 993);
        m.put("pop3", 110);
        m.put("pop3s", 995);
        m.put("managesieve", 4190);
        m.put("http", 80);
        m.put("https", 443);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Where to listen. {@code ports} holds every listener's effective port (offset applied; 0 = any
     * free port, for tests); a listener set to {@code false} in the file is absent.
     * {@code proxyProtocol}: the listeners behind a load balancer sending the PROXY protocol, accepted
     * only from {@code proxyTrusted}, each header within {@code proxyTimeout}.
     */
    public record Listen(String address, int portOffset, Map<String, Integer> ports, java.util.Set<String> proxyProtocol,
                         List<IpNetwork> proxyTrusted, Duration proxyTimeout) {
        public Optional<Integer> port(String listener) {
            return Optional.ofNullable(ports.get(listener));
        }

        /** How {@code listener} takes its clients from a load balancer; empty when straight from them. */
        public Optional<ProxyProtocol> proxy(String listener) {
            return proxyProtocol.contains(listener) ? Optional.of(new ProxyProtocol(proxyTrusted, proxyTimeout))
                    : Optional.empty();
        }
    }

    /**
     * Empty paths mean: use (and on first start generate) a self-signed certificate in the data dir.
     * {@code helloTimeout}: how long a client may take to send its first TLS record (ClientHello).
     */
    public record Tls(Optional<Path> certificate, Optional<Path> privateKey, int maxHandshakes,
                      Duration handshakeTimeout, Duration helloTimeout, Optional<Acme> acme) {}

    /**
     * [tls.acme]: certificates from an ACME CA (RFC 8555) for the host name and each hosted domain's
     * autoconfig., autodiscover. and mta-sts. names. {@code directoryCa}: a PEM file of the CA to trust
     * for the directory's own HTTPS (a private or test CA; else the JDK's). A certificate is renewed
     * once {@code renewAfter} (a fraction; renew_after_percent, 67 by default) of its lifetime has passed.
     * {@code challenge}: "http-01" (the http listener, port 80) or "tls-alpn-01" (the https one, 443).
     */
    public record Acme(java.net.URI directory, Optional<String> contact, Optional<Path> directoryCa, double renewAfter,
                       String challenge) {}

    public record Limits(int maxConnections, int maxConnectionsPerIp) {}

    /**
     * Failed logins, all protocols together. Per client (an IPv4 address or an IPv6 /64): after
     * {@code failuresBeforeDelay} answers slow down; at {@code failuresBeforeBlock} within
     * {@code blockTime} the client is refused for {@code blockTime}; a success clears only that
     * account's failures. Per account, from all clients: after {@code accountFailuresBeforeDelay}
     * failures (forgotten {@code blockTime} after the last one) its password checks are spaced out,
     * up to {@code accountMaxDelay} apart, except for clients that logged in to it recently.
     * {@code defaultDomain}: a login name without '@' means that name at this domain (every protocol).
     */
    public record Auth(int failuresBeforeDelay, int failuresBeforeBlock, Duration blockTime, int accountFailuresBeforeDelay,
                       Duration accountMaxDelay, Optional<String> defaultDomain) {}

    /**
     * {@code plaintextAuthOnLoopback}: allow USER/PASS and AUTH before STLS from 127.0.0.0/8 and ::1.
     * {@code loginTimeout}: a connection that has not logged in this long after connecting is closed.
     */
    public record Pop3(Duration idleTimeout, Duration loginTimeout, boolean plaintextAuthOnLoopback) {}

    /**
     * {@code plaintextAuthOnLoopback}: allow LOGIN/AUTHENTICATE before STARTTLS from loopback.
     * {@code maxCommandLength}: longest command line (and in-memory literals) a client may send.
     * {@code appendLimit}: largest message APPEND accepts (advertised as APPENDLIMIT, RFC 7889).
     * {@code sharedAccount}: the local part of each domain's shared account, whose folders its
     * users see under "Shared/" (RFC 2342 §5), as far as grants let them; "" for none.
     * {@code loginTimeout}: a connection that has not logged in this long after connecting is closed.
     */
    public record Imap(Duration idleTimeout, Duration loginTimeout, boolean plaintextAuthOnLoopback, int maxCommandLength, long appendLimit,
                       String sharedAccount) {}

    /**
     * {@code maxErrors}: refused commands before the session is ended (421); {@code maxCommands}:
     * commands in one session; {@code commandRatePerIp}: commands per second from one IP address,
     * all its sessions together, before answers are slowed down (0 = no limit); {@code loginTimeout}:
     * a session that has neither logged in (AUTH) nor started a mail transaction this long after
     * connecting is closed.
     */
    public record Smtp(Duration idleTimeout, Duration loginTimeout, long maxMessageSize, int maxRecipients, int maxErrors, int maxCommands,
                       int commandRatePerIp) {}

    /**
     * The HTTP(S) listener. {@code mtaStsMode}: testing, enforce or none (RFC 8461 §5);
     * {@code metricsToken}: when present, {@code /metrics} wants it as a bearer token from every client;
     * {@code metricsAllowFrom}: without a token, the only networks {@code /metrics} answers (loopback
     * by default); {@code adminApi}: whether {@code /api/} is served at all.
     */
    public record Http(String mtaStsMode, Duration mtaStsMaxAge, Optional<String> metricsToken,
                       List<IpNetwork> metricsAllowFrom, boolean adminApi) {}

    /** {@code servers}: "host" or "host:port" entries ("[v6]:port"); empty: the system's resolvers. */
    public record Dns(List<String> servers, Duration timeout) {}

    /**
     * Outbound delivery. {@code hold}: queue but send nothing; {@code remotePort}: the port of other
     * servers (25; tests use another); {@code retryIntervals}: waits after the 1st, 2nd, ... failed
     * attempt, the last one repeating; {@code expire}: give up (and bounce) this long after the
     * message arrived; {@code delayWarning}: tell the sender once when a message has waited this long;
     * {@code requireTlsDomains}: never send to these domains without TLS and a verified certificate;
     * {@code trustedCertificates}: a PEM file of certificates trusted besides the system's when a
     * certificate must verify; {@code smarthost}: send everything through this relay.
     * {@code nodeId}: this node's name in a queue shared by several nodes (unique to each);
     * {@code lease}: how long a node's claim on a message holds off the others without renewal.
     */
    public record Delivery(boolean hold, int remotePort, List<Duration> retryIntervals, Duration expire,
                           int maxConcurrent, int maxPerDomain, Optional<Duration> delayWarning,
                           List<String> requireTlsDomains, Optional<Path> trustedCertificates,
                           Optional<Smarthost> smarthost, String nodeId, Duration lease) {}

    /**
     * The relay host for all outbound mail. {@code implicitTls}: TLS from the first byte (465), else
     * STARTTLS, always required, certificate verified. The password is read from {@code passwordFile}
     * (never written in the config).
     */
    public record Smarthost(String host, int port, boolean implicitTls, Optional<String> username,
                            Optional<Path> passwordFile) {}

    /**
     * Checks of mail from the Internet (SMTP sessions that have not logged in). {@code trustedNetworks}:
     * client blocks whose mail is not checked; {@code senderChecks}: SPF, DKIM, DMARC and ARC;
     * {@code maxDkimSignatures}: signatures verified per message; {@code dmarcReports}: send DMARC
     * aggregate reports, from {@code dmarcReportFrom} (empty: postmaster at the host name);
     * {@code dnsbl}/{@code dnswl}: zones asked about the client's address, a listing in a block list
     * handled by {@code dnsblAction}; {@code fcrdns}: what a client whose reverse name does not resolve
     * back to it gets; {@code heloChecks}: what a HELO that is not a plausible name of the client gets;
     * {@code greylisting}: ask unknown (client, sender, recipient) triplets to come back after
     * {@code greylistDelay}; {@code spamLearning}: rspamd's controller, told of messages moved into
     * and out of Junk.
     */
    public record Antispam(List<IpNetwork> trustedNetworks, boolean senderChecks, int maxDkimSignatures,
                           boolean dmarcReports, Optional<String> dmarcReportFrom,
                           List<String> dnsbl, Action dnsblAction, List<String> dnswl, Action fcrdns, Action heloChecks,
                           boolean greylisting, Duration greylistDelay, Optional<SpamLearning> spamLearning) {}

    /** What a check's finding does: nothing at all, only a note (log, Authentication-Results), Junk, or a refusal. */
    public enum Action { OFF, RECORD, JUNK, REJECT }

    /** rspamd's controller ({@code http://127.0.0.1:11334}) and the file holding its password. */
    public record SpamLearning(String controller, Optional<Path> passwordFile) {}

    /**
     * A mail filter spoken to with the milter protocol (rspamd, clamav-milter, OpenDKIM):
     * {@code address} "inet:host:port" or "unix:/path"; {@code timeout} for its whole answer;
     * {@code acceptOnFailure}: when it cannot be reached or fails, take the mail anyway (else 451);
     * {@code spamHeader}: the "Name: value" field by which it marks spam without quarantining it;
     * {@code virusSymbols}: the rspamd symbols that mean a virus scanner found something (Sieve's
     * virustest); empty for a filter that scans for no viruses.
     */
    public record Milter(String address, Duration timeout, boolean acceptOnFailure, String spamHeader,
                         List<String> virusSymbols) {}

    /**
     * Sieve filters and their management over ManageSieve (RFC 5804, the {@code managesieve}
     * listener). {@code maxScriptSize}: the largest script an account may upload (octets);
     * {@code maxScripts}: how many scripts an account may keep; {@code maxRedirects}: redirects one
     * message may cause (advertised as MAXREDIRECTS); {@code before}/{@code after}: the
     * administrator's script files that run before and after each account's active script, in the
     * order given; {@code idleTimeout}/{@code loginTimeout}: as for IMAP (whose
     * {@code plaintext_auth_on_loopback} ManageSieve follows too).
     */
    public record Sieve(long maxScriptSize, int maxScripts, int maxRedirects, List<Path> before, List<Path> after,
                        Duration idleTimeout, Duration loginTimeout) {}

    /** {@code level}: error, warning, info or debug. */
    public record Log(String level) {}

    /**
     * Where mail is kept. {@code backend}: the embedded SQLite database in the data directory, or a
     * PostgreSQL server at {@code url} ({@code postgresql://user@host:port/database}, its password, if
     * any, read from {@code passwordFile}) with up to {@code poolSize} connections for reads;
     * several nodes may share one PostgreSQL. {@code blobs}: message bytes as files under
     * {@code blobDir} (a shared file system when there are several nodes), or in the database.
     */
    public record Store(Backend backend, Optional<String> url, Optional<Path> passwordFile, int poolSize, Blobs blobs,
                        Path blobDir) {
        public enum Backend { SQLITE, POSTGRESQL }

        public enum Blobs { FILES, DATABASE }
    }

    /**
     * Mail we pass on to other servers for addresses of ours (aliases with outside targets, accounts
     * that forward). {@code srs}: rewrite its envelope sender with the Sender Rewriting Scheme, at
     * {@code srsDomain} (the host name unless set), signed with the secrets in {@code srsSecretFile},
     * valid for {@code srsMaxAgeDays}. {@code maxHops}: a message with more Received fields than this
     * is not forwarded (a loop). How often Sieve rules may redirect one message is {@link Sieve#maxRedirects}.
     */
    public record Forwarding(boolean srs, String srsDomain, Path srsSecretFile, int srsMaxAgeDays, int maxHops) {}

    public Path tlsDir() {
        return dataDir.resolve("tls");
    }
}
