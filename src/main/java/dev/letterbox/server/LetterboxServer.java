package dev.letterbox.server;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.LoginGuard;
import dev.letterbox.auth.LoginThrottle;
import dev.letterbox.auth.MailboxSharing;
import dev.letterbox.auth.PasswordHasher;
import dev.letterbox.checks.InboundChecks;
import dev.letterbox.checks.SpamLearning;
import dev.letterbox.config.Config;
import dev.letterbox.delivery.Check;
import dev.letterbox.delivery.Forwarding;
import dev.letterbox.delivery.Pipeline;
import dev.letterbox.delivery.SendOnBehalf;
import dev.letterbox.dkim.DkimKeyStore;
import dev.letterbox.dmarc.AggregateReporter;
import dev.letterbox.dmarc.AggregateReports;
import dev.letterbox.dmarc.OrganizationalDomain;
import dev.letterbox.dmarc.ReportScheduler;
import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.http.AdminToken;
import dev.letterbox.http.HttpService;
import dev.letterbox.imap.server.ImapService;
import dev.letterbox.managesieve.ScriptChecker;
import dev.letterbox.managesieve.ScriptError;
import dev.letterbox.managesieve.server.ManageSieveService;
import dev.letterbox.sieve.SieveException;
import dev.letterbox.sieve.SieveScript;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.milter.RspamdLearner;
import dev.letterbox.net.ConnectionHandler;
import dev.letterbox.net.ListenerSpec;
import dev.letterbox.net.NetEvents;
import dev.letterbox.net.NetLimits;
import dev.letterbox.net.NetServer;
import dev.letterbox.net.ServerTls;
import dev.letterbox.acme.AcmeManager;
import dev.letterbox.pop3.server.Pop3Service;
import dev.letterbox.queue.MailQueue;
import dev.letterbox.queue.QueueRunner;
import dev.letterbox.relay.MessageSigner;
import dev.letterbox.relay.OutboundTls;
import dev.letterbox.relay.RemoteDelivery;
import dev.letterbox.setup.ClientSettings;
import dev.letterbox.setup.HostnameAdvice;
import dev.letterbox.smtp.server.CommandRate;
import dev.letterbox.smtp.server.SmtpService;
import dev.letterbox.srs.Srs;
import dev.letterbox.srs.SrsSecrets;
import dev.letterbox.store.Domain;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.sql.StoreFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A running Letterbox: opens the store, loads or creates the certificate, starts a listener for
 * each configured port whose protocol is built, and stops them all on {@link #close()}.
 */
public final class LetterboxServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.server");
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final Config config;
    private final MailStore store;
    private final Directory directory;
    private final Pipeline pipeline;
    /** One resolver (one cache) for the relay and every check. */
    private final DnsjavaResolver dns;
    /** The Public Suffix List (organizational domains, RFC 7489 §3.2). */
    private final OrganizationalDomain psl = new OrganizationalDomain();
    private ReportScheduler dmarcReporter; // null unless [antispam] dmarc_reports
    /** Counts checked messages for DMARC aggregate reports; null unless [antispam] dmarc_reports. */
    private final AggregateReports dmarcCounts;
    private final ServerTls tls;
    private AcmeManager acme;
    private ReloadSignal.Registration reloadOnHangup;
    /**
     * What decides whether a Sieve script is accepted: by ManageSieve's PUTSCRIPT and CHECKSCRIPT
     * and for the administrator's scripts at start. The Sieve compiler plugs in here.
     */
    /** What ManageSieve uploads and the administrator's scripts must pass: the Sieve compiler itself. */
    private final ScriptChecker sieveChecker = source -> {
        try {
            SieveScript.compile(source);
            return Optional.empty();
        } catch (SieveException e) {
            return Optional.of(new ScriptError(e.line(), e.reason()));
        }
    };
    private final AdminSieveScripts adminSieveScripts;
    private final NetServer net;
    private final Metrics metrics = new Metrics();
    private final MailQueue queue;
    private final HttpService http;
    private QueueRunner queueRunner; // null while not started, or with [delivery] hold
    private final Map<String, Integer> boundPorts = new LinkedHashMap<>();
    /** A copy of {@link #boundPorts} for other threads (HTTP requests may arrive while listeners start). */
    private volatile Map<String, Integer> publishedPorts = Map.of();
    private volatile boolean closed;

    private LetterboxServer(Config config, MailStore store, ServerTls tls) {
        this.config = config;
        this.store = store;
        this.tls = tls;
        this.directory = new Directory(store.directory(), new PasswordHasher());
        this.adminSieveScripts = AdminSieveScripts.load(config.sieve(), sieveChecker);
        this.net = new NetServer(new NetLimits(SystemLimits.connectionLimit(config.limits().maxConnections()),
                config.limits().maxConnectionsPerIp(), config.tls().maxHandshakes(), config.tls().handshakeTimeout(),
                config.tls().helloTimeout()), tls, metricsEvents(metrics));
        this.queue = new MailQueue(store.queue(), metrics);
        this.dns = new DnsjavaResolver(config.dns().servers(), config.dns().timeout());
        this.pipeline = new Pipeline(store, directory, queue, config.hostname());
        this.dmarcCounts = config.antispam().dmarcReports() ? new AggregateReports(store.dmarcReports()) : null;
        List<Check> checks = new ArrayList<>(InboundChecks.from(config, dns, Clock.systemUTC(), directory::hostsDomain, psl, dmarcCounts));
        checks.add(new SendOnBehalf(directory, store.grants())); // submission only
        pipeline.checks(checks);
        pipeline.sieve(config.sieve().maxRedirects(), sources(adminSieveScripts.before()), sources(adminSieveScripts.after()));
        pipeline.forwarding(forwarding(config, directory));
        this.http = new HttpService(config, directory, new MailboxSharing(store, directory), queue, metrics,
                () -> ClientSettings.of(config.hostname(), publishedPorts), config.dataDir());
    }

    /**
     * SRS with the secrets file (made with a random secret on first start) and the loop limits.
     *
     * @throws UncheckedIOException when the secrets file cannot be read or made
     */
    private static Forwarding forwarding(Config config, Directory directory) {
        Config.Forwarding f = config.forwarding();
        Optional<Srs> srs = Optional.empty();
        if (f.srs()) {
            try {
                srs = Optional.of(new Srs(f.srsDomain(), SrsSecrets.loadOrCreate(f.srsSecretFile()), f.srsMaxAgeDays(),
                        Clock.systemUTC()));
            } catch (IOException e) {
                throw new UncheckedIOException("forwarding.srs_secret_file: " + e.getMessage(), e);
            }
        }
        return new Forwarding(srs, directory::hostsDomain, f.maxHops());
    }

    /** Connections and TLS handshakes of the mail listeners, counted per listener. */
    private static NetEvents metricsEvents(Metrics metrics) {
        return new NetEvents() {
            @Override
            public void connectionOpened(String listener) {
                metrics.connectionOpened(listener);
            }

            @Override
            public void connectionClosed(String listener) {
                metrics.connectionClosed(listener);
            }

            @Override
            public void connectionRefused(String listener) {
                metrics.connectionRefused(listener);
            }

            @Override
            public void tlsHandshake(String listener, boolean ok) {
                metrics.tlsHandshake(listener, ok);
            }
        };
    }

    /** Starts everything or nothing: on any failure what was started is stopped again. */
    public static LetterboxServer start(Config config) throws IOException {
        Files.createDirectories(config.dataDir());
        SystemLimits.warnIfLow();
        MailStore store = StoreFactory.open(config.store(), config.dataDir());
        LetterboxServer server = null;
        try {
            ServerTls tls = config.tls().certificate().isPresent()
                    ? ServerTls.fromPem(config.tls().certificate().get(), config.tls().privateKey().orElseThrow())
                    : ServerTls.selfSigned(config.tlsDir(), config.hostname());
            server = new LetterboxServer(config, store, tls);
            adviseOnAdminToken(config);
            server.startListeners();
            server.keepCertificateCurrent();
            new RuntimeInfo(config.hostname(), server.boundPorts).write(config.dataDir());
            LOG.log(INFO, "Letterbox ready as {0}, data in {1}, listening: {2}", config.hostname(),
                    config.dataDir().toAbsolutePath(), server.boundPorts);
            HostnameAdvice.warning(config.hostname(), server.directory.domains().stream().map(Domain::name).findFirst())
                    .ifPresent(advice -> LOG.log(WARNING, advice));
            return server;
        } catch (IOException | RuntimeException e) {
            if (server != null) server.close();
            else store.close();
            throw e;
        }
    }

    private void startListeners() throws IOException {
        Config.Auth auth = config.auth();
        LoginThrottle throttle = LoginThrottle.of(auth.failuresBeforeDelay(), auth.failuresBeforeBlock(), auth.blockTime(),
                auth.accountFailuresBeforeDelay(), auth.accountMaxDelay(), store.coordination());
        LoginGuard logins = new LoginGuard(directory, throttle, metrics, auth.defaultDomain(), store.changes());
        ImapService imap = new ImapService(store, logins, metrics, config.imap(), config.hostname(), spamLearning());
        listen("imap", false, config.imap().idleTimeout(), config.imap().loginTimeout(), imap);
        listen("imaps", true, config.imap().idleTimeout(), config.imap().loginTimeout(), imap);
        Pop3Service pop3 = new Pop3Service(store, logins, metrics, config.pop3(), config.hostname());
        listen("pop3", false, config.pop3().idleTimeout(), config.pop3().loginTimeout(), pop3);
        listen("pop3s", true, config.pop3().idleTimeout(), config.pop3().loginTimeout(), pop3);
        ManageSieveService manageSieve = new ManageSieveService(store, logins, metrics, config.sieve(),
                config.imap().plaintextAuthOnLoopback(), sieveChecker);
        // the login timeout until AUTHENTICATE; the session sets the idle timeout once logged in
        listen("managesieve", false, config.sieve().loginTimeout(), config.sieve().loginTimeout(), manageSieve);

        CommandRate smtpRate = new CommandRate(config.smtp().commandRatePerIp());
        SmtpService mta = new SmtpService(directory, store.grants(), pipeline, logins, smtpRate, metrics, config.smtp(),
                config.hostname(), SmtpService.Role.MTA);
        SmtpService submission = new SmtpService(directory, store.grants(), pipeline, logins, smtpRate, metrics,
                config.smtp(), config.hostname(), SmtpService.Role.SUBMISSION, store);
        listen("smtp", false, config.smtp().idleTimeout(), config.smtp().loginTimeout(), mta);
        listen("submission", false, config.smtp().idleTimeout(), config.smtp().loginTimeout(), submission);
        listen("submissions", true, config.smtp().idleTimeout(), config.smtp().loginTimeout(), submission);

        listenHttp("http", null);
        listenHttp("https", tls);

        startQueue();
        startDmarcReports();
    }

    /**
     * With [tls.acme], certificates come from the CA and are renewed in the background; with a
     * configured certificate, SIGHUP reads its files again. Either way every TLS listener serves the
     * new one from its next handshake on.
     */
    private void keepCertificateCurrent() throws IOException {
        if (config.tls().acme().isPresent()) {
            acme = new AcmeManager(config.tls().acme().get(), config.dataDir(), tls, this::certificateNames);
            http.answerAcmeChallenges(acme::answer);
            acme.start();
        } else if (config.tls().certificate().isPresent()) {
            Path cert = config.tls().certificate().get(), key = config.tls().privateKey().orElseThrow();
            reloadOnHangup = ReloadSignal.onHangup(() -> {
                try {
                    tls.reload(cert, key);
                    LOG.log(INFO, "SIGHUP: serving the certificate in {0} from now on, valid until {1}", cert,
                            tls.certificate().getNotAfter().toInstant());
                } catch (IOException e) {
                    LOG.log(WARNING, "SIGHUP: kept the certificate served until now: {0}", e.getMessage());
                }
            });
        }
    }

    /** The names an ACME certificate covers: the host name, and where clients look for each hosted domain's settings. */
    private List<String> certificateNames() {
        List<String> names = new java.util.ArrayList<>(List.of(config.hostname()));
        for (var domain : directory.domains()) {
            for (String prefix : List.of("autoconfig.", "autodiscover.", "mta-sts.")) {
                String name = prefix + domain.name();
                if (!names.contains(name)) names.add(name);
            }
        }
        return names;
    }

    /** DMARC aggregate reports (RFC 7489 §7.2), sent through the outbound queue once their period ends. */
    private void startDmarcReports() {
        if (!config.antispam().dmarcReports()) return;
        String from = config.antispam().dmarcReportFrom().orElse("noreply-dmarc@" + config.hostname());
        var reporter = new AggregateReporter(store.dmarcReports(), store.blobs(), store.dmarcReports()::enqueue, dns, psl,
                config.hostname(), from);
        dmarcReporter = ReportScheduler.start(reporter, Clock.systemUTC());
    }

    /** With [antispam] rspamd_controller: messages moved into and out of Junk teach rspamd. */
    private ImapService.CopyListener spamLearning() throws IOException {
        var learning = config.antispam().spamLearning();
        if (learning.isEmpty()) return ImapService.CopyListener.NONE;
        String password = null;
        if (learning.get().passwordFile().isPresent()) {
            password = Files.readString(learning.get().passwordFile().get()).strip();
        }
        LOG.log(INFO, "spam learning: messages moved into and out of Junk are reported to {0}", learning.get().controller());
        return new SpamLearning(store, new RspamdLearner(java.net.URI.create(learning.get().controller()), password,
                Duration.ofSeconds(30)));
    }

    /** The outbound queue's runner, unless [delivery] hold keeps everything queued. */
    private void startQueue() throws IOException {
        Config.Delivery d = config.delivery();
        if (d.hold()) {
            LOG.log(WARNING, "outbound delivery is on hold ([delivery] hold = true): mail for other servers stays queued");
            return;
        }
        var signer = new MessageSigner(new DkimKeyStore(config.dataDir()), directory::hostsDomain);
        var remote = new RemoteDelivery(dns, OutboundTls.load(d.trustedCertificates()), signer, d, config.hostname());
        queueRunner = new QueueRunner(queue, store, directory, pipeline, remote, metrics, d, config.hostname());
        queueRunner.start();
    }

    /** The JDK's HTTP server binds its own sockets; its ports join the same map as the mail listeners'. */
    private void listenHttp(String name, ServerTls httpsTls) throws IOException {
        var port = config.listen().port(name);
        if (port.isEmpty()) return;
        http.listen(name, socketAddress(port.get()), httpsTls);
        bound(name, http.boundPort(name));
    }

    /** The bind address for listeners that take a socket address; "*" is the dual-stack wildcard. */
    private InetSocketAddress socketAddress(int port) {
        String address = config.listen().address();
        return address.equals("*") ? new InetSocketAddress(port) : new InetSocketAddress(address, port);
    }

    /**
     * Until an admin API token exists, says how to make one. The server never makes or shows one
     * itself: a token in the log would outlive the moment (journals are kept and shipped); the
     * command prints it once to the operator's terminal.
     */
    private static void adviseOnAdminToken(Config config) {
        if (!config.http().adminApi() || AdminToken.exists(config.dataDir())) return;
        LOG.log(INFO, "admin API: no token yet; make one with ''letterbox admin-token --rotate'' (printed once, never logged)");
    }

    private void listen(String name, boolean implicitTls, Duration idle, Duration login, ConnectionHandler handler)
            throws IOException {
        var port = config.listen().port(name);
        if (port.isEmpty()) return; // disabled in the config
        // "*" is the wildcard: the net layer binds it dual-stack (IPv6 and IPv4) where the OS allows
        net.listen(new ListenerSpec(name, config.listen().address(), port.get(), implicitTls, idle, login, handler,
                config.listen().proxy(name).orElse(null)));
        bound(name, net.boundPort(name));
    }

    private void bound(String listener, int port) {
        boundPorts.put(listener, port);
        publishedPorts = Map.copyOf(boundPorts);
    }

    public Config config() {
        return config;
    }

    public MailStore store() {
        return store;
    }

    public Directory directory() {
        return directory;
    }

    /** The one way mail reaches a mailbox or the queue. */
    public Pipeline pipeline() {
        return pipeline;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The outbound queue (what the CLI and the admin API change goes through it too). */
    public MailQueue queue() {
        return queue;
    }

    public ServerTls tls() {
        return tls;
    }

    /** The administrator's Sieve scripts, read and checked at start, for delivery to run around each account's. */
    private static java.util.List<String> sources(java.util.List<AdminSieveScripts.Script> scripts) {
        return scripts.stream().map(AdminSieveScripts.Script::source).toList();
    }

    public AdminSieveScripts adminSieveScripts() {
        return adminSieveScripts;
    }

    /** The port a listener is bound to; fails when that listener is not running. */
    public int port(String listener) {
        Integer p = publishedPorts.get(listener);
        if (p == null) throw new IllegalArgumentException("listener " + listener + " is not running");
        return p;
    }

    public Map<String, Integer> ports() {
        return publishedPorts;
    }

    /** Graceful stop: no new connections, sessions get a few seconds, then the store closes. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        LOG.log(INFO, "shutting down");
        try {
            http.close();
        } catch (RuntimeException e) {
            LOG.log(WARNING, "error while stopping the HTTP listeners: {0}", e.toString());
        }
        try {
            net.shutdown(SHUTDOWN_GRACE);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "error while stopping listeners: {0}", e.toString());
        }
        if (acme != null) acme.close();
        if (reloadOnHangup != null) reloadOnHangup.close();
        if (dmarcCounts != null) dmarcCounts.close(); // after the sessions (they count), before the store
        if (dmarcReporter != null) dmarcReporter.close();
        if (queueRunner != null) queueRunner.close();
        RuntimeInfo.remove(config.dataDir());
        store.close();
        LOG.log(INFO, "stopped");
    }
}
