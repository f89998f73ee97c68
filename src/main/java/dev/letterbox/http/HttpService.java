package dev.letterbox.http;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.letterbox.auth.Directory;
import dev.letterbox.auth.MailboxSharing;
import dev.letterbox.config.Config;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.net.ServerTls;
import dev.letterbox.queue.MailQueue;
import dev.letterbox.setup.ClientSettings;
import dev.letterbox.setup.MtaStsPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The HTTP and HTTPS listeners: the JDK's built-in server, each exchange on its own virtual thread,
 * HTTPS with the mail ports' certificate and TLS settings. Routes: client auto-configuration
 * (Mozilla, Outlook, Apple), the MTA-STS policy, {@code /healthz}, {@code /metrics} and the admin
 * API under {@code /api/}.
 *
 * <p>Every exchange ends in exactly one place ({@link #serve}): a handler's answer, its
 * {@link HttpError} (short text, or JSON under {@code /api/}), or for anything unexpected a 500
 * naming a request id that the log line carries too — never a stack trace to the client.
 *
 * <p>Bounds: request bodies at most {@link Request#MAX_BODY}; the JDK server's own limits are
 * tightened JVM-wide when this class loads (unless already set as system properties): at most 100
 * request headers of 32 KiB in all, 30 s to send a whole request, 60 s to take a response,
 * 1,000 HTTP connections.
 */
public final class HttpService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.http");
    /** Methods named in the log as they are; any other is logged as "other" (no client text in the log). */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    static {
        // Read once by the JDK server's configuration, before the first server is made.
        defaultProperty("sun.net.httpserver.maxReqHeaders", "100");
        defaultProperty("sun.net.httpserver.maxReqHeaderSize", "32768");
        defaultProperty("sun.net.httpserver.maxReqTime", "30");
        defaultProperty("sun.net.httpserver.maxRspTime", "60");
        defaultProperty("jdk.httpserver.maxConnections", "1000");
    }

    private final Config.Http config;
    private final Directory directory;
    private final Metrics metrics;
    private final MtaStsPolicy mtaSts;
    private final Map<String, Handler> routes = new LinkedHashMap<>();
    private final Handler admin;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, HttpServer> servers = new LinkedHashMap<>();

    /**
     * @param settings the client settings as the server runs now (its host name and bound ports)
     * @param dataDir  where the admin token's hash lives
     */
    public HttpService(Config config, Directory directory, MailboxSharing sharing, MailQueue queue, Metrics metrics,
                       Supplier<ClientSettings> settings, Path dataDir) {
        this.config = config.http();
        this.directory = directory;
        this.metrics = metrics;
        this.mtaSts = MtaStsPolicy.of(config.http().mtaStsMode(), config.hostname(), config.http().mtaStsMaxAge());
        this.admin = new AdminApi(directory, sharing, queue, dataDir, metrics);
        Handler autoconfig = new MozillaAutoconfig(directory, settings);
        routes.put(MozillaAutoconfig.WELL_KNOWN_PATH, autoconfig);
        routes.put(MozillaAutoconfig.AUTOCONFIG_HOST_PATH, autoconfig);
        routes.put(OutlookAutodiscover.PATH, new OutlookAutodiscover(directory, settings));
        routes.put(AppleProfile.PATH, new AppleProfile(directory, settings));
        routes.put(MtaStsPolicy.PATH, this::mtaStsPolicy);
        routes.put("/healthz", this::health);
        routes.put("/metrics", this::metrics);
    }

    /** Binds and starts one listener; {@code tls} null for plain HTTP. */
    public void listen(String name, InetSocketAddress address, ServerTls tls) throws IOException {
        HttpServer server;
        try {
            if (tls == null) {
                server = HttpServer.create(address, 128);
            } else {
                HttpsServer https = HttpsServer.create(address, 128);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.httpsContext()) { // with TLS-ALPN-01 answers
                    @Override
                    public void configure(HttpsParameters parameters) {
                        parameters.setSSLParameters(tls.serverParameters());
                    }
                });
                server = https;
            }
        } catch (BindException e) {
            String where = address.getHostString() + ":" + address.getPort() + " (" + name + ")";
            BindException failure = new BindException("cannot listen on " + where + ": " + e.getMessage()
                    + (address.getPort() < 1024 && address.getPort() != 0
                            ? " — ports below 1024 need root or CAP_NET_BIND_SERVICE; or start with --port-offset 10000"
                            : " — is another web server running? change [listen.ports] " + name + " in the config"));
            failure.initCause(e);
            throw failure;
        }
        boolean secure = tls != null;
        server.createContext("/", exchange -> serve(exchange, secure));
        server.setExecutor(executor);
        server.start();
        servers.put(name, server);
        LOG.log(INFO, name + ": listening on " + address.getHostString() + ":" + server.getAddress().getPort()
                + (secure ? " (TLS)" : ""));
    }

    public int boundPort(String name) {
        HttpServer server = servers.get(name);
        if (server == null) throw new IllegalArgumentException("no HTTP listener named " + name);
        return server.getAddress().getPort();
    }

    /** Stops accepting, gives exchanges in progress a second, then ends them. */
    @Override
    public void close() {
        for (HttpServer server : servers.values()) server.stop(1);
        servers.clear();
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- one exchange

    private void serve(HttpExchange exchange, boolean secure) {
        String id = newId();
        long started = System.nanoTime();
        String route = "other";
        boolean api = false;
        boolean head = "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
        Response response;
        try {
            Request request = new Request(exchange, secure, id);
            api = request.segments().size() > 0 && request.segments().getFirst().equals("api");
            route = routeName(request, api);
            response = route(request, api).handle(request);
        } catch (HttpError e) {
            response = errorResponse(e.status(), e.getMessage(), api);
            for (var h : e.headers().entrySet()) response = response.withHeader(h.getKey(), h.getValue());
        } catch (IOException e) {
            // the client went away or sent a broken body: nobody to answer
            LOG.log(DEBUG, () -> "http " + id + ": request ended: " + e.getMessage());
            metrics.httpRequest(route, 400);
            exchange.close();
            return;
        } catch (RuntimeException e) {
            StackTraceElement[] where = e.getStackTrace();
            LOG.log(WARNING, "http " + id + ": internal error in " + route + ": " + e
                    + (where.length > 0 ? " at " + where[0] : ""));
            LOG.log(DEBUG, "http " + id + ": internal error", e);
            response = errorResponse(500, "internal error (request " + id + ")", api);
        }
        if (response.status() >= 400 && hasBody(exchange)) {
            // the body may be unread, and the JDK server drains only 64 KiB of it: tell the client
            // this connection ends here, so it does not send its next request into a closing socket
            response = response.withHeader("Connection", "close");
        }
        // counted before it is sent: a client that reads /metrics right after this answer sees it
        metrics.httpRequest(route, response.status());
        send(exchange, response, head, id);
        int status = response.status();
        String routeName = route;
        String method = KNOWN_METHODS.contains(exchange.getRequestMethod()) ? exchange.getRequestMethod() : "other";
        LOG.log(DEBUG, () -> "http " + id + ": " + method + " " + routeName + " -> " + status
                + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    private Handler route(Request request, boolean api) {
        if (api) {
            if (!config.adminApi()) throw HttpError.notFound();
            return admin;
        }
        if (request.path().startsWith(ACME_CHALLENGE_PATH)) return this::acmeChallenge;
        Handler h = routes.get(request.path());
        if (h == null && request.path().equalsIgnoreCase(OutlookAutodiscover.PATH)) h = routes.get(OutlookAutodiscover.PATH);
        if (h == null) throw HttpError.notFound();
        return h;
    }

    /** RFC 8555 §8.3: where an ACME CA fetches HTTP-01 key authorizations. */
    static final String ACME_CHALLENGE_PATH = "/.well-known/acme-challenge/";

    private volatile Function<String, Optional<String>> acmeAnswers = token -> Optional.empty();

    /** The key authorizations to serve for HTTP-01 challenges, by token (see dev.letterbox.acme). */
    public void answerAcmeChallenges(Function<String, Optional<String>> answers) {
        acmeAnswers = answers;
    }

    private Response acmeChallenge(Request request) {
        String token = request.path().substring(ACME_CHALLENGE_PATH.length());
        return acmeAnswers.apply(token).map(answer -> Response.of("application/octet-stream",
                answer.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).orElseThrow(HttpError::notFound);
    }

    /** A fixed label per endpoint for the metrics, never the path itself. */
    private static String routeName(Request request, boolean api) {
        if (api) return "api";
        if (request.path().startsWith(ACME_CHALLENGE_PATH)) return "acme-challenge";
        String p = request.path().toLowerCase(Locale.ROOT);
        if (p.equals(MozillaAutoconfig.WELL_KNOWN_PATH) || p.equals(MozillaAutoconfig.AUTOCONFIG_HOST_PATH)) return "autoconfig";
        if (p.equals(OutlookAutodiscover.PATH)) return "autodiscover";
        if (p.equals(AppleProfile.PATH)) return "mobileconfig";
        if (p.equals(MtaStsPolicy.PATH)) return "mta-sts";
        if (p.equals("/healthz")) return "healthz";
        if (p.equals("/metrics")) return "metrics";
        return "other";
    }

    private static boolean hasBody(HttpExchange exchange) {
        Headers h = exchange.getRequestHeaders();
        String length = h.getFirst("Content-Length");
        return h.containsKey("Transfer-Encoding") || (length != null && !length.strip().equals("0"));
    }

    private static Response errorResponse(int status, String message, boolean api) {
        return api ? Response.json(status, Json.obj("error", message)) : Response.text(status, message + "\n");
    }

    private static void send(HttpExchange exchange, Response response, boolean head, String id) {
        try (exchange) {
            Headers h = exchange.getResponseHeaders();
            if (response.contentType() != null) h.set("Content-Type", response.contentType());
            h.set("Cache-Control", "no-store");
            h.set("X-Content-Type-Options", "nosniff");
            response.headers().forEach(h::set);
            byte[] body = response.body();
            boolean noBody = head || body.length == 0 || response.status() == 204;
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : body.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "http " + id + ": client left before the response was sent: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- small endpoints

    /** RFC 8461 §3.3: the policy for {@code mta-sts.DOMAIN}; 404 when that domain is not hosted here. */
    private Response mtaStsPolicy(Request request) {
        if (!request.method().equals("GET")) throw HttpError.methodNotAllowed("GET, HEAD");
        String host = request.host();
        if (host.startsWith("mta-sts.") && !directory.hostsDomain(host.substring("mta-sts.".length()))) {
            throw new HttpError(404, "no mail service for this domain here");
        }
        return Response.text(200, mtaSts.text());
    }

    /** 200 while the store answers a read; 503 when it does not. */
    private Response health(Request request) {
        if (!request.method().equals("GET")) throw HttpError.methodNotAllowed("GET, HEAD");
        try {
            directory.hostsDomain("health.invalid"); // one indexed read proves the store answers
        } catch (RuntimeException e) {
            LOG.log(WARNING, "http " + request.id() + ": health check failed: " + e);
            return Response.text(503, "store unavailable\n");
        }
        return Response.text(200, "ok\n");
    }

    /**
     * The Prometheus text format. With {@code [http] metrics_token} set, for whoever presents it
     * (from anywhere, and only them: behind a reverse proxy on this host every client looks local);
     * without one, only for clients in {@code [http] metrics_allow_from} (loopback by default), as
     * the numbers tell an outsider how busy the server is and how logins fare.
     */
    private Response metrics(Request request) {
        if (!request.method().equals("GET")) throw HttpError.methodNotAllowed("GET, HEAD");
        if (config.metricsToken().isEmpty()) {
            InetAddress client = request.remoteAddress();
            if (config.metricsAllowFrom().stream().noneMatch(network -> network.contains(client))) {
                throw new HttpError(403, "metrics are served to [http] metrics_allow_from only, or with [http] metrics_token");
            }
        } else {
            byte[] expected = config.metricsToken().get().getBytes(StandardCharsets.UTF_8);
            byte[] presented = request.bearerToken().orElse("").getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(expected, presented)) {
                throw new HttpError(401, "metrics need [http] metrics_token: Authorization: Bearer TOKEN",
                        Map.of("WWW-Authenticate", "Bearer realm=\"letterbox metrics\""));
            }
        }
        return new Response(200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[8];
        for (int i = 0; i < id.length; i++) id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        return new String(id);
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
