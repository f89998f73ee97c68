package dev.letterbox.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Counters, gauges and latency histograms of one server instance (its own registry, so several
 * servers in one JVM — tests — do not mix their figures).
 */
public final class Metrics {
    private static final Pattern COMMAND = Pattern.compile("[A-Z0-9_.-]{1,24}");
    private static final Set<String> OUTCOMES = Set.of("ok", "fail");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter connections = Counter.builder().name("letterbox_connections_total")
            .help("Connections accepted, by listener").labelNames("listener").register(registry);
    private final Gauge activeConnections = Gauge.builder().name("letterbox_connections_active")
            .help("Connections open now, by listener").labelNames("listener").register(registry);
    private final Counter refused = Counter.builder().name("letterbox_connections_refused_total")
            .help("Connections refused by the global or per-IP limit").labelNames("listener").register(registry);
    private final Counter handshakes = Counter.builder().name("letterbox_tls_handshakes_total")
            .help("TLS handshakes, by listener and outcome").labelNames("listener", "outcome").register(registry);
    private final Counter logins = Counter.builder().name("letterbox_auth_total")
            .help("Login attempts, by protocol and outcome").labelNames("protocol", "outcome").register(registry);
    private final Counter received = Counter.builder().name("letterbox_messages_received_total")
            .help("Messages accepted over SMTP, by listener").labelNames("listener").register(registry);
    private final Counter delivered = Counter.builder().name("letterbox_messages_delivered_total")
            .help("Message copies delivered, local (to a mailbox) or remote (to another server)").labelNames("where").register(registry);
    private final Counter deferred = Counter.builder().name("letterbox_messages_deferred_total")
            .help("Outbound delivery attempts deferred for a retry").register(registry);
    private final Counter bounced = Counter.builder().name("letterbox_messages_bounced_total")
            .help("Recipients that failed permanently (a DSN was sent)").register(registry);
    private final Counter httpRequests = Counter.builder().name("letterbox_http_requests_total")
            .help("HTTP requests answered, by route and status code").labelNames("route", "code").register(registry);
    private final Histogram latency = Histogram.builder().name("letterbox_command_duration_seconds")
            .help("Time to handle one command, by protocol and command").labelNames("protocol", "command")
            .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    private static final int MAX_CACHED_COMMANDS = 128;
    /** {@link #latency}'s data points by protocol and command name as the session gave it (see {@link #latencyPoint}). */
    private final Map<String, Map<String, DistributionDataPoint>> latencyPoints = new ConcurrentHashMap<>();

    public void connectionOpened(String listener) {
        connections.labelValues(listener).inc();
        activeConnections.labelValues(listener).inc();
    }

    public void connectionClosed(String listener) {
        activeConnections.labelValues(listener).dec();
    }

    public void connectionRefused(String listener) {
        refused.labelValues(listener).inc();
    }

    public void tlsHandshake(String listener, boolean ok) {
        handshakes.labelValues(listener, ok ? "ok" : "fail").inc();
    }

    /** {@code protocol}: imap, pop3, smtp, http. */
    public void login(String protocol, boolean ok) {
        logins.labelValues(protocol, ok ? "ok" : "fail").inc();
    }

    public void messageReceived(String listener) {
        received.labelValues(listener).inc();
    }

    public void messageDelivered(boolean local) {
        delivered.labelValues(local ? "local" : "remote").inc();
    }

    public void messageDeferred() {
        deferred.inc();
    }

    public void messageBounced() {
        bounced.inc();
    }

    /** {@code route}: the HTTP listener's fixed name for the endpoint (autoconfig, api, ...), never the path. */
    public void httpRequest(String route, int status) {
        httpRequests.labelValues(route, Integer.toString(status)).inc();
    }

    /** Registers a gauge read at scrape time (queue size, ...). {@code name} must be a fixed metric name. */
    public void gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    /**
     * Records one command's duration. {@code command} is the protocol's own name for it (FETCH,
     * RETR, MAIL); anything that does not look like one is recorded as OTHER.
     */
    public void commandLatency(String protocol, String command, long nanos) {
        latencyPoint(protocol, command).observe(nanos / 1e9);
    }

    /**
     * The histogram's data point for a command: found once per protocol and command name, then taken
     * from a map (every command of every session comes here; upper-casing, the pattern check and the
     * registry's label look-up each time cost more than the observation). The map is bounded: names
     * beyond {@link #MAX_CACHED_COMMANDS} (clients may send any word) are looked up each time.
     */
    private DistributionDataPoint latencyPoint(String protocol, String command) {
        Map<String, DistributionDataPoint> byCommand =
                latencyPoints.computeIfAbsent(protocol, p -> new ConcurrentHashMap<>());
        var point = byCommand.get(command);
        if (point != null) return point;
        String c = command.toUpperCase(Locale.ROOT);
        if (!COMMAND.matcher(c).matches()) c = "OTHER";
        point = latency.labelValues(protocol, c);
        if (byCommand.size() < MAX_CACHED_COMMANDS) byCommand.put(command, point);
        return point;
    }

    /** The Prometheus text exposition format (version 0.0.4). */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static boolean isOutcome(String s) {
        return OUTCOMES.contains(s);
    }
}
