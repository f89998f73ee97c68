package dev.letterbox.checks;

import dev.letterbox.config.Config;
import dev.letterbox.delivery.Check;
import dev.letterbox.delivery.Envelope;
import dev.letterbox.delivery.ForwardSeal;
import dev.letterbox.delivery.Recipients;
import dev.letterbox.delivery.SpooledMessage;
import dev.letterbox.delivery.Verdict;
import dev.letterbox.arc.ArcResult;
import dev.letterbox.arc.ArcSealer;
import dev.letterbox.arc.ArcVerification;
import dev.letterbox.arc.ArcVerifier;
import dev.letterbox.dkim.BodyHash;
import dev.letterbox.dkim.BodyHashes;
import dev.letterbox.dkim.Canonicalization;
import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimResult;
import dev.letterbox.dkim.DkimResults;
import dev.letterbox.dkim.DkimVerification;
import dev.letterbox.dkim.DkimVerifier;
import dev.letterbox.dkim.MessageHeader;
import dev.letterbox.dmarc.AggregateReports;
import dev.letterbox.dmarc.Author;
import dev.letterbox.dmarc.DkimInput;
import dev.letterbox.dmarc.DmarcVerifier;
import dev.letterbox.dmarc.Evaluation;
import dev.letterbox.dmarc.OrganizationalDomain;
import dev.letterbox.dmarc.SpfInput;
import dev.letterbox.dns.DnsResolver;
import dev.letterbox.spf.ReceivedSpf;
import dev.letterbox.spf.SpfResult;
import dev.letterbox.spf.SpfVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Who really sent a message from the Internet: the client's reverse DNS (iprev), SPF for the MAIL
 * FROM (or the HELO for a null sender), the DKIM signatures, DMARC for the From domain and the ARC
 * chain, put together into one Authentication-Results field at the top (RFC 8601) and a Received-SPF
 * field (RFC 7208 §9.1). DMARC decides: its {@code reject} refuses the message (550 5.7.26), its
 * {@code quarantine} files it in Junk; each evaluated message is counted for the domain's aggregate
 * report when it asks for one.
 *
 * <p>The lookups start when the message does (DKIM and ARC keys as soon as the header is in), on
 * virtual threads, so they overlap its transfer; each is bounded by {@code [dns] timeout}. The body is
 * hashed once for all signatures while it streams in. A DNS failure is reported (temperror) and never refuses mail.
 * SPF alone never refuses either: a fail is only a fact for DMARC.
 */
public final class SenderAuthentication implements Check {
    private final DnsResolver dns;
    private final String hostname;
    private final Duration timeout;
    private final ClientFilter filter;
    private final Config.Action fcrdns;
    private final DkimVerifier dkim;
    private final ArcVerifier arc;
    /** Kept for all messages: they remember the records they parsed. */
    private final SpfVerifier spfVerifier;
    private final DmarcVerifier dmarcVerifier;
    private final AggregateReports reports;
    private final Function<String, Optional<DkimKey>> sealingKey;

    /**
     * @param hostname our host name: the authserv-id and the SPF receiver
     * @param timeout  how long each check's DNS may take in all ({@code [dns] timeout})
     * @param fcrdns   what a client without forward-confirmed reverse DNS gets
     * @param maxDkimSignatures DKIM signatures verified per message (the rest are counted)
     * @param reports   where DMARC results are counted for aggregate reports, or null for none
     * @param sealingKey the key a domain of ours seals mail it forwards with (ARC), if it has one
     */
    public SenderAuthentication(DnsResolver dns, String hostname, Duration timeout, ClientFilter filter, Config.Action fcrdns,
                                int maxDkimSignatures, OrganizationalDomain psl, AggregateReports reports,
                                Function<String, Optional<DkimKey>> sealingKey) {
        this.sealingKey = sealingKey;
        this.reports = reports;
        this.dns = dns;
        this.hostname = hostname;
        this.timeout = timeout;
        this.filter = filter;
        this.fcrdns = fcrdns;
        this.dkim = new DkimVerifier(dns, maxDkimSignatures, Clock.systemUTC());
        this.arc = new ArcVerifier(dns, Clock.systemUTC());
        this.spfVerifier = new SpfVerifier(dns, hostname, timeout, Clock.systemUTC());
        // java.util.Random: the pct= samples are drawn by every session's thread, and it is thread-safe
        this.dmarcVerifier = new DmarcVerifier(dns, psl, new Random());
    }

    @Override
    public Run start(Envelope envelope, Recipients recipients) {
        if (!filter.checks(envelope)) return null;
        boolean forwardKnown = recipients.firstForwarding().flatMap(alias -> sealingKey.apply(domainOf(alias))).isPresent();
        return new MessageRun(envelope.client().orElseThrow(), envelope.sender(), recipients.written(), forwardKnown);
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The relaxed body hash an ARC seal needs, for a forward decided after the body streamed past
     * (a Sieve redirect): the spooled body read once more. Hashing every message whose recipient
     * has a script, on the chance that it redirects, would put a SHA-256 pass on deliveries that
     * mostly file or keep; reading back the spool the pipeline just wrote (still in the page cache)
     * costs only the few messages that do leave.
     */
    private static byte[] relaxedBodyHash(SpooledMessage message) {
        if (message.bodyStart() < 0) throw new IllegalStateException("header section too long to find the body");
        BodyHashes hashes = new BodyHashes();
        BodyHash hash = hashes.request(Canonicalization.RELAXED, -1);
        try (java.io.InputStream in = message.open()) {
            in.skipNBytes(message.bodyStart());
            byte[] buffer = new byte[16 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) hashes.update(buffer, 0, n);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the spooled body back to seal it", e);
        }
        return hash.digest();
    }

    private final class MessageRun implements Run {
        private final Envelope.Client client;
        private final CompletableFuture<SpfResult> spf;
        private final CompletableFuture<Iprev.Outcome> iprev;
        private final BodyHashes body = new BodyHashes();
        private DkimVerification dkimRun;
        private ArcVerification arcRun;
        private String headerProblem;
        private Author author = new Author.Missing();
        private final String sender;
        private final List<String> recipients;

        /**
         * The body hash the ARC seal of a forwarded copy needs, when a forward was known before the
         * body (an alias or account forwarding): hashed while the body streams in; else null.
         */
        private final BodyHash sealBodyHash;

        MessageRun(Envelope.Client client, String sender, List<String> recipients, boolean forwardKnown) {
            this.client = client;
            this.sealBodyHash = forwardKnown ? body.request(Canonicalization.RELAXED, -1) : null;
            this.sender = sender;
            this.recipients = recipients;
            this.spf = Async.start("letterbox-spf", () -> spfVerifier.checkMailFrom(client.address(), client.helo(), sender));
            this.iprev = fcrdns == Config.Action.OFF ? null
                    : Async.start("letterbox-iprev", () -> Iprev.check(dns.within(timeout), client.address()));
        }

        @Override
        public void header(byte[] bytes, int end) {
            if (end < 0) {
                headerProblem = "header section too long to check";
                author = Author.fromHeader(bytes, end);
                return;
            }
            author = Author.fromHeader(bytes, end);
            try {
                MessageHeader header = MessageHeader.parse(bytes, 0, end);
                dkimRun = dkim.start(header, body);
                arcRun = arc.start(header, body);
            } catch (RuntimeException e) {
                headerProblem = "header section unreadable";
            }
        }

        @Override
        public void body(byte[] b, int off, int len) {
            if (dkimRun != null || sealBodyHash != null) body.update(b, off, len);
        }

        @Override
        public Verdict finish(SpooledMessage message) {
            long wait = timeout.toMillis() + 1_000; // each lookup bounds itself; this only guards against a stuck thread
            SpfResult spfResult = Async.await(spf, wait, null);
            Optional<Iprev.Outcome> iprevResult = iprev == null ? Optional.empty()
                    : Optional.of(Async.await(iprev, wait, new Iprev.Outcome(Iprev.Result.TEMPERROR, client.address(),
                            Optional.empty())));
            Instant deadline = Instant.now().plus(timeout);
            DkimResults dkimResults = dkimRun == null ? null : dkimRun.finish(deadline);
            ArcResult arcResult = arcRun == null ? ArcResult.none() : arcRun.finish(deadline);
            List<String> results = new ArrayList<>();
            iprevResult.ifPresent(i -> results.add(i.authResultsText()));
            if (spfResult != null) results.add(spfResult.authResultsText());
            results.addAll(dkimTexts(dkimResults));
            SpfInput spfInput = spfInput(spfResult);
            List<DkimInput> dkimInputs = dkimInputs(dkimResults);
            Evaluation dmarc = dmarcVerifier.using(dns.within(timeout)).evaluate(author, spfInput, dkimInputs);
            results.add(dmarc.result().authenticationResult());
            results.add(arcText(arcResult));
            if (reports != null) {
                reports.record(dmarc, new AggregateReports.MessageFacts(client.address(), domainOf(sender),
                        recipients.isEmpty() ? "" : domainOf(recipients.get(0)), spfInput, dkimInputs, Instant.now()));
            }
            List<String> fields = new ArrayList<>();
            fields.add(AuthenticationResults.field(hostname, results));
            if (spfResult != null) fields.add(ReceivedSpf.field(spfResult, client.address(), client.helo(), hostname));

            boolean verified = spfResult != null && spfResult.identity() == SpfResult.Identity.MAILFROM
                    && spfResult.result() == SpfResult.Result.PASS;
            Verdict verdict = switch (dmarc.result().disposition()) {
                // RFC 7372 §3.2: 5.7.26, multiple authentication checks failed
                case REJECT -> Verdict.reject("5.7.26", "message refused: the domain " + dmarc.result().fromDomain()
                        + " asks to reject mail that fails its DMARC policy, and this message fails it");
                case QUARANTINE -> Verdict.junk("DMARC policy of " + dmarc.result().fromDomain() + " says quarantine", fields);
                case NONE -> Verdict.accept(fields);
            };
            if (verdict.action() == Verdict.Action.ACCEPT && iprevResult.isPresent()
                    && iprevResult.get().result() == Iprev.Result.FAIL) {
                String why = "the client's address " + client.address().getHostAddress() + " has no reverse DNS name that points back to it";
                if (fcrdns == Config.Action.JUNK) verdict = Verdict.junk(why, fields);
                // RFC 7372 §3.3: 5.7.25, reverse DNS validation failed
                if (fcrdns == Config.Action.REJECT) verdict = Verdict.reject("5.7.25", why);
            }
            verdict = verdict.withSenderVerified(verified);
            return verdict.withSeal(sealFor(results, arcResult, message));
        }

        /**
         * How a forwarded copy of this message is sealed, by the domain it is forwarded for: asked
         * only when a copy leaves, so a message that stays here computes nothing for it.
         */
        private ForwardSeal sealFor(List<String> results, ArcResult arcResult, SpooledMessage message) {
            String authResults = hostname + ";" + String.join(";", results.stream().map(r -> " " + r).toList());
            byte[] streamed = sealBodyHash == null ? null : sealBodyHash.digest();
            return (forwardedFor, header) -> {
                Optional<DkimKey> key = sealingKey.apply(domainOf(forwardedFor));
                if (key.isEmpty()) return List.of();
                byte[] bodyHash = streamed != null ? streamed : relaxedBodyHash(message);
                return ArcSealer.seal(MessageHeader.parse(header), bodyHash, authResults, arcResult, key.get(), Instant.now());
            };
        }

        private static SpfInput spfInput(SpfResult r) {
            if (r == null) return SpfInput.none();
            return new SpfInput(SpfInput.Result.valueOf(r.result().name()), r.domain(),
                    r.identity() == SpfResult.Identity.MAILFROM ? SpfInput.Scope.MFROM : SpfInput.Scope.HELO);
        }

        private static List<DkimInput> dkimInputs(DkimResults results) {
            if (results == null) return List.of();
            List<DkimInput> out = new ArrayList<>();
            for (DkimResult r : results.signatures()) {
                out.add(new DkimInput(DkimInput.Result.valueOf(r.status().name()), r.domain(), r.selector()));
            }
            return out;
        }

        /** RFC 8601 §2.7.1: one dkim= result per signature checked, "none" for an unsigned message. */
        private List<String> dkimTexts(DkimResults results) {
            if (results == null) {
                return List.of("dkim=" + (headerProblem == null ? "none" : "permerror (" + headerProblem + ")"));
            }
            if (results.unsigned()) return List.of("dkim=none");
            List<String> out = new ArrayList<>();
            for (DkimResult r : results.signatures()) {
                StringBuilder sb = new StringBuilder("dkim=").append(r.status().word());
                if (r.status() != DkimResult.Status.PASS && !r.reason().isEmpty()) {
                    sb.append(" (").append(AuthenticationResults.commentSafe(r.reason())).append(')');
                }
                property(sb, "header.d", r.domain());
                property(sb, "header.i", r.identity());
                property(sb, "header.s", r.selector());
                property(sb, "header.a", r.algorithm());
                property(sb, "header.b", r.signaturePrefix());
                out.add(sb.toString());
            }
            if (results.notChecked() > 0) {
                out.add("dkim=neutral (" + results.notChecked() + " more signatures not checked)");
            }
            return out;
        }

        private static void property(StringBuilder sb, String name, String value) {
            if (value == null || value.isEmpty()) return;
            sb.append(' ').append(name).append('=').append(AuthenticationResults.value(value));
        }

        private static String arcText(ArcResult r) {
            String text = "arc=" + r.status().word();
            if (r.status() == ArcResult.Status.NONE) return text;
            return text + " (i=" + r.instances() + (r.reason().isEmpty() ? "" : "; " + AuthenticationResults.commentSafe(r.reason())) + ")";
        }
    }
}
