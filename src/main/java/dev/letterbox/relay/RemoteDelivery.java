package dev.letterbox.relay;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.config.Config;
import dev.letterbox.dns.DnsResolver;
import dev.letterbox.dns.Lookup;
import dev.letterbox.smtp.SmtpReply;
import dev.letterbox.smtp.Xtext;
import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.QueuedMessage.Recipient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * One delivery attempt of one queued message to the recipients of one domain (RFC 5321 §5.1 and
 * §4.1): route, then each host in turn (and each of its addresses) until one answers the
 * transaction; then one outcome per recipient.
 *
 * <p>A connection failure, a greeting or EHLO that is not positive, a refused or failed TLS that is
 * required, or a broken connection move on to the next address; when none is left, every recipient
 * is deferred with the last error. Once a server has answered the transaction, its replies decide:
 * 2xx delivered, 4xx deferred, 5xx failed. A connection lost after the message was sent defers it,
 * so it may arrive twice but never not at all.
 *
 * <p>TLS: STARTTLS whenever offered, without checking the certificate (RFC 7435), falling back to
 * plaintext on that address if the handshake fails; for domains in {@code require_tls_domains} and
 * for the smarthost, TLS is required and the certificate must verify for the host's name.
 */
public final class RemoteDelivery implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.relay");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** RFC 5321 §4.5.3.2 asks for 5 minutes per command and 10 for the end of the data; 5 suffices here. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
    private static final int CHUNK_SIZE = 1 << 20;
    /** How long a connection waits for the next message to the same destination (as long as Postfix's cache). */
    private static final Duration IDLE_LIMIT = Duration.ofSeconds(2);

    private final Router router;
    private final DnsResolver dns;
    private final OutboundTls tls;
    private final MessageSigner signer;
    private final Config.Delivery config;
    private final String heloName;
    private final IdleConnections idle;

    public RemoteDelivery(DnsResolver dns, OutboundTls tls, MessageSigner signer, Config.Delivery config, String hostname)
            throws IOException {
        this.router = new Router(dns, config.remotePort(), hostname);
        this.dns = dns;
        this.tls = tls;
        this.signer = signer;
        this.config = config;
        this.heloName = hostname;
        this.idle = new IdleConnections(config.maxPerDomain(), IDLE_LIMIT);
        if (config.smarthost().isPresent()) smarthostPassword(); // fail at start, not at the first message
    }

    /** The per-attempt context: what every host of this attempt is offered. */
    private record Job(QueuedMessage message, List<Recipient> recipients, byte[] signature, MessageBytes bytes,
                       String destination, boolean requireTls, String logContext) {
        long size() {
            return message.envelope().size() + signature.length;
        }
    }

    /** What talking to one address came to. */
    private sealed interface Try {
        /** The server answered the transaction (or we refused it for good reasons): these outcomes stand. */
        record Done(Map<Long, Outcome> outcomes) implements Try {}

        /** Nothing decided; try the next address. {@code reply} says why. */
        record Next(String reply, Optional<String> remoteMta) implements Try {}

        /** The STARTTLS handshake failed: an opportunistic attempt may retry this address in plaintext. */
        record TlsFailed(String reply, Optional<String> remoteMta) implements Try {}
    }

    /**
     * Tries to deliver {@code message} to {@code recipients} (all in {@code domain}); returns an
     * outcome for each recipient's id. Network and DNS trouble becomes outcomes, never exceptions.
     */
    public Map<Long, Outcome> deliver(QueuedMessage message, List<Recipient> recipients, String domain, MessageBytes bytes) {
        String context = "queue " + message.id() + " (" + domain + ")";
        boolean smarthost = config.smarthost().isPresent();
        Route route = smarthost
                ? new Route.Hosts(List.of(new Route.Hop(config.smarthost().get().host(), config.smarthost().get().port())))
                : router.route(domain);
        return switch (route) {
            case Route.Unroutable u -> all(recipients, new Outcome.Failed((u.status().equals("5.1.10") ? "556 " : "550 ")
                    + u.status() + " " + u.reason(), Optional.empty()));
            case Route.TryLater t -> all(recipients, new Outcome.Deferred("451 4.4.3 " + t.reason(), Optional.empty()));
            case Route.Hosts hosts -> {
                String destination = smarthost ? "(smarthost)" : domain.toLowerCase(Locale.ROOT);
                boolean requireTls = smarthost || config.requireTlsDomains().contains(destination);
                byte[] signature = signer.signatureFields(message.envelope().sender(), bytes, context);
                Job job = new Job(message, recipients, signature, bytes, destination, requireTls, context);
                yield reuse(job).orElseGet(() -> tryHosts(job, hosts.hops()));
            }
        };
    }

    /**
     * The next transaction on a connection left open for this destination, when one is: RSET
     * checks it is still alive (RFC 5321 §4.1.1.5). Any trouble closes it; the caller then
     * connects afresh, so reuse never decides an outcome by itself failing.
     */
    private Optional<Map<Long, Outcome>> reuse(Job job) {
        for (Optional<IdleConnections.Idle> i = idle.take(job.destination()); i.isPresent(); i = idle.take(job.destination())) {
            SmtpClient c = i.get().client();
            try {
                if (c.command("RSET").code() == 250) {
                    Map<Long, Outcome> outcomes = send(job, c, i.get().host(), i.get().where());
                    idle.park(job.destination(), c, i.get().host(), i.get().where());
                    return Optional.of(outcomes);
                }
            } catch (IOException e) {
                // gone while idle, or broke now: a fresh connection decides
            }
            closeQuietly(c);
        }
        return Optional.empty();
    }

    /** Ends connections that have idled too long; the queue's scheduler calls this every few seconds. */
    public void closeIdleConnections() {
        idle.closeExpired();
    }

    @Override
    public void close() {
        idle.closeAll();
    }

    private Map<Long, Outcome> tryHosts(Job job, List<Route.Hop> hops) {
        String lastError = "451 4.4.4 no address to connect to";
        Optional<String> lastMta = Optional.empty();
        for (Route.Hop hop : hops) {
            List<InetAddress> addresses;
            switch (addresses(hop)) {
                case Lookup.Found<InetAddress> f -> addresses = f.records();
                case Lookup.TempFail<InetAddress> t -> {
                    lastError = "451 4.4.3 address lookup for " + hop.host() + " failed: " + t.reason();
                    continue;
                }
                default -> {
                    lastError = "451 4.4.4 host " + hop.host() + " has no address records";
                    continue;
                }
            }
            for (InetAddress address : addresses) {
                Try t = session(job, hop, address, false);
                if (t instanceof Try.TlsFailed failed && !job.requireTls()) {
                    LOG.log(INFO, "{0}: TLS with {1} failed ({2}); trying again without TLS", job.logContext(), hop.host(), failed.reply());
                    t = session(job, hop, address, true);
                }
                switch (t) {
                    case Try.Done done -> {
                        return done.outcomes();
                    }
                    case Try.Next next -> {
                        lastError = next.reply();
                        lastMta = next.remoteMta();
                    }
                    case Try.TlsFailed failed -> {
                        lastError = failed.reply();
                        lastMta = failed.remoteMta();
                    }
                }
            }
        }
        LOG.log(INFO, "{0}: deferred: {1}", job.logContext(), lastError);
        return all(job.recipients(), new Outcome.Deferred(lastError, lastMta));
    }

    private Lookup<InetAddress> addresses(Route.Hop hop) {
        if (!hop.isLiteral()) return dns.addresses(hop.host());
        String inside = hop.host().substring(1, hop.host().length() - 1);
        if (inside.regionMatches(true, 0, "IPv6:", 0, 5)) inside = inside.substring(5);
        // only address literals reach getByName, so it parses and never looks anything up
        if (!inside.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) return new Lookup.NoDomain<>();
        try {
            return new Lookup.Found<>(List.of(InetAddress.getByName(inside)));
        } catch (UnknownHostException e) {
            return new Lookup.NoDomain<>();
        }
    }

    /**
     * One connection to one address: greeting, EHLO, TLS, AUTH (smarthost), the transaction; then
     * the connection waits for the destination's next message, or is ended.
     */
    private Try session(Job job, Route.Hop hop, InetAddress address, boolean plaintext) {
        Optional<String> mta = Optional.of(hop.host());
        String where = hop.host() + " [" + address.getHostAddress() + "]:" + hop.port();
        var smarthost = config.smarthost();
        SSLContext context = job.requireTls() ? tls.verifying() : tls.opportunistic();
        SmtpClient c;
        try {
            c = smarthost.isPresent() && smarthost.get().implicitTls()
                    ? SmtpClient.connectTls(address, hop.port(), context, hop.host(), true, CONNECT_TIMEOUT, COMMAND_TIMEOUT)
                    : SmtpClient.connect(address, hop.port(), CONNECT_TIMEOUT, COMMAND_TIMEOUT);
        } catch (IOException e) {
            return new Try.Next("451 4.4.2 connection to " + where + " failed: " + e.getMessage(), mta);
        }
        try {
            Optional<Try> refused = prepare(job, c, hop, where, context, plaintext);
            if (refused.isPresent()) {
                closeQuietly(c);
                return refused.get();
            }
            Map<Long, Outcome> outcomes = send(job, c, hop.host(), where);
            idle.park(job.destination(), c, hop.host(), where);
            return new Try.Done(outcomes);
        } catch (IOException e) {
            closeQuietly(c);
            return new Try.Next("451 4.4.2 connection to " + where + " failed: " + e.getMessage(), mta);
        }
    }

    /** Greeting, EHLO, STARTTLS as the policy says, AUTH for the smarthost; empty when the session is ready for MAIL. */
    private Optional<Try> prepare(Job job, SmtpClient c, Route.Hop hop, String where, SSLContext context, boolean plaintext)
            throws IOException {
        Optional<String> mta = Optional.of(hop.host());
        SmtpReply greeting = c.greeting();
        if (greeting.code() != 220) return Optional.of(new Try.Next(reply(greeting, where), mta));
        SmtpReply ehlo = hello(c);
        if (!ehlo.isPositive()) return Optional.of(new Try.Next(reply(ehlo, where), mta));
        if (!c.isTls() && !plaintext && c.supports("STARTTLS")) {
            try {
                SmtpReply r = c.startTls(context, hop.host(), job.requireTls());
                if (r.code() != 220 && job.requireTls()) return Optional.of(new Try.Next(reply(r, where), mta));
            } catch (SSLException e) {
                return Optional.of(new Try.TlsFailed("451 4.7.5 TLS handshake with " + where + " failed: " + e.getMessage(), mta));
            }
            if (c.isTls()) {
                ehlo = hello(c);
                if (!ehlo.isPositive()) return Optional.of(new Try.Next(reply(ehlo, where), mta));
            }
        }
        if (job.requireTls() && !c.isTls()) {
            return Optional.of(new Try.Next("451 4.7.10 " + where + " does not offer STARTTLS, which is required for this destination", mta));
        }
        var smarthost = config.smarthost();
        if (smarthost.isPresent() && smarthost.get().username().isPresent()) {
            SmtpReply auth = c.authPlain(smarthost.get().username().get(), smarthostPassword());
            if (auth.code() != 235) {
                // a configuration problem of ours: keep the mail until the operator fixes it
                return Optional.of(new Try.Done(all(job.recipients(), new Outcome.Deferred("454 4.7.0 the smarthost refused our login: "
                        + auth, mta))));
            }
        }
        return Optional.empty();
    }

    /** One message on a ready session: refused before sending when the server cannot take it, else the transaction. */
    private static Map<Long, Outcome> send(Job job, SmtpClient c, String host, String where) throws IOException {
        Optional<String> mta = Optional.of(host);
        Optional<Outcome> refused = unsendable(job, c, where, mta);
        if (refused.isPresent()) return all(job.recipients(), refused.get());
        Map<Long, Outcome> outcomes = transaction(job, c, mta);
        LOG.log(INFO, "{0}: sent to {1}{2}: {3}", job.logContext(), where, c.isTls() ? " (TLS)" : "", summary(outcomes));
        return outcomes;
    }

    /** EHLO, or HELO for a server without ESMTP (RFC 5321 §4.1.1.1). */
    private SmtpReply hello(SmtpClient c) throws IOException {
        SmtpReply ehlo = c.ehlo(heloName);
        if (ehlo.isPositive() || ehlo.code() == 421) return ehlo;
        return c.command("HELO " + heloName);
    }

    /** What this server cannot take, said before sending anything: too big, or an extension the message needs. */
    private static Optional<Outcome> unsendable(Job job, SmtpClient c, String where, Optional<String> mta) {
        QueuedMessage.Envelope e = job.message().envelope();
        Optional<String> limit = c.extension("SIZE");
        if (limit.isPresent() && limit.get().matches("[1-9][0-9]{0,18}") && job.size() > Long.parseLong(limit.get())) {
            return Optional.of(new Outcome.Failed("552 5.3.4 message of " + job.size() + " octets is larger than "
                    + where + " accepts (" + limit.get() + ")", mta));
        }
        if (e.smtputf8() && !c.supports("SMTPUTF8")) { // RFC 6531 §3.2: never downgrade silently
            return Optional.of(new Outcome.Failed("553 5.6.7 the message has non-ASCII addresses or headers (SMTPUTF8)"
                    + " and " + where + " does not support SMTPUTF8", mta));
        }
        if (e.body() == QueuedMessage.Body.EIGHT_BIT_MIME && !c.supports("8BITMIME")) { // RFC 6152 §3
            return Optional.of(new Outcome.Failed("554 5.6.3 the message is 8-bit MIME and " + where
                    + " does not support 8BITMIME", mta));
        }
        if (e.body() == QueuedMessage.Body.BINARY_MIME && !(c.supports("BINARYMIME") && c.supports("CHUNKING"))) {
            return Optional.of(new Outcome.Failed("554 5.6.3 the message is binary MIME and " + where
                    + " does not support BINARYMIME with CHUNKING", mta)); // RFC 3030 §3
        }
        return Optional.empty();
    }

    /** MAIL, RCPTs and the data; the replies mapped to outcomes. */
    private static Map<Long, Outcome> transaction(Job job, SmtpClient c, Optional<String> mta) throws IOException {
        boolean dsn = c.supports("DSN");
        List<SmtpClient.Rcpt> rcpts = new ArrayList<>();
        for (Recipient r : job.recipients()) rcpts.add(new SmtpClient.Rcpt(r.address(), dsn ? rcptDsn(r) : ""));
        SmtpClient.Envelope env = new SmtpClient.Envelope(job.message().envelope().sender(), mailParameters(job, c, dsn), rcpts);
        SmtpClient.Result result;
        try (InputStream body = new SequenceInputStream(new ByteArrayInputStream(job.signature()), job.bytes().open())) {
            result = job.message().envelope().body() == QueuedMessage.Body.BINARY_MIME
                    ? c.sendChunked(env, body, CHUNK_SIZE) : c.send(env, body);
        }
        Map<Long, Outcome> out = new LinkedHashMap<>();
        if (!result.mail().isPositive()) return all(job.recipients(), refusal(result.mail(), mta));
        boolean anyAccepted = false;
        for (int i = 0; i < job.recipients().size(); i++) {
            SmtpReply r = result.rcpts().get(i);
            if (r.isPositive()) anyAccepted = true;
            else out.put(job.recipients().get(i).id(), refusal(r, mta));
        }
        if (!anyAccepted) return out;
        SmtpReply data = result.data().orElseThrow(() -> new IOException("no reply to the message data"));
        Outcome forAccepted = data.isPositive() ? new Outcome.Delivered(mta, dsn) : refusal(data, mta);
        for (Recipient r : job.recipients()) out.putIfAbsent(r.id(), forAccepted);
        return out;
    }

    private static String mailParameters(Job job, SmtpClient c, boolean dsn) {
        QueuedMessage.Envelope e = job.message().envelope();
        List<String> p = new ArrayList<>();
        if (c.supports("SIZE")) p.add("SIZE=" + job.size());
        switch (e.body()) {
            case EIGHT_BIT_MIME -> p.add("BODY=8BITMIME");
            case BINARY_MIME -> p.add("BODY=BINARYMIME");
            case SEVEN_BIT -> { }
        }
        if (e.smtputf8()) p.add("SMTPUTF8");
        if (dsn) { // RFC 3461 §4: pass the sender's requests on to a server that will honour them
            e.ret().ifPresent(r -> p.add("RET=" + r.name()));
            e.envId().ifPresent(id -> p.add("ENVID=" + Xtext.encode(id)));
        }
        return String.join(" ", p);
    }

    private static String rcptDsn(Recipient r) {
        List<String> p = new ArrayList<>();
        r.notifyOn().ifPresent(n -> p.add("NOTIFY=" + notifyText(n)));
        r.orcpt().ifPresent(o -> {
            int semi = o.indexOf(';');
            if (semi > 0) p.add("ORCPT=" + o.substring(0, semi) + ";" + Xtext.encode(o.substring(semi + 1)));
        });
        return String.join(" ", p);
    }

    private static String notifyText(Set<QueuedMessage.Notify> notify) {
        if (notify.isEmpty()) return "NEVER";
        List<String> names = new ArrayList<>();
        for (QueuedMessage.Notify n : EnumSet.copyOf(notify)) names.add(n.name());
        return String.join(",", names);
    }

    private static Outcome refusal(SmtpReply r, Optional<String> mta) {
        String text = withEnhanced(r);
        return r.isTransient() ? new Outcome.Deferred(text, mta) : new Outcome.Failed(text, mta);
    }

    /** The reply in stored form; one without an enhanced code gets the generic one of its class (RFC 3463 §3.1). */
    static String withEnhanced(SmtpReply r) {
        String enhanced = r.enhanced().orElse((r.code() / 100) + ".0.0");
        return r.code() + " " + enhanced + " " + r.text();
    }

    /** A reply that ended a session early, with where it came from; a positive one there is unexpected, so temporary. */
    private static String reply(SmtpReply r, String where) {
        int code = r.code() >= 400 ? r.code() : 451;
        String enhanced = r.code() >= 400 ? r.enhanced().orElse((code / 100) + ".0.0") : "4.5.0";
        return code + " " + enhanced + " " + where + " said: " + r.text();
    }

    /** Read for each login, so a changed password file needs no restart. */
    private String smarthostPassword() throws IOException {
        var file = config.smarthost().orElseThrow().passwordFile();
        if (file.isEmpty()) return "";
        try {
            return Files.readString(file.get()).strip();
        } catch (IOException e) {
            throw new IOException("delivery.smarthost.password_file: cannot read " + file.get() + ": " + e.getMessage(), e);
        }
    }

    private static Map<Long, Outcome> all(List<Recipient> recipients, Outcome outcome) {
        Map<Long, Outcome> out = new LinkedHashMap<>();
        for (Recipient r : recipients) out.put(r.id(), outcome);
        return out;
    }

    private static String summary(Map<Long, Outcome> outcomes) {
        int delivered = 0, deferred = 0, failed = 0;
        for (Outcome o : outcomes.values()) {
            switch (o) {
                case Outcome.Delivered d -> delivered++;
                case Outcome.Deferred d -> deferred++;
                case Outcome.Failed f -> failed++;
            }
        }
        return delivered + " delivered, " + deferred + " deferred, " + failed + " failed";
    }

    private static void closeQuietly(SmtpClient c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a connection we are done with; nothing is waiting on it
        }
    }
}
