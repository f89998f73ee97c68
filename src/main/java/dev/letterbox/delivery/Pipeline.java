package dev.letterbox.delivery;

import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.auth.Directory;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The one way mail reaches a mailbox or the outbound queue. Every way in — SMTP on port 25 and on
 * submission, {@code letterbox deliver}, the queue handing over mail for our own domains — resolves
 * its recipients with {@link #resolve}, then streams the message through an {@link Intake} (or
 * hands a whole stream to {@link #deliver}) and maps the {@link Outcome} to its own words.
 *
 * <p>Thread-safe; one per server (or per CLI command).
 */
public final class Pipeline {
    private static final System.Logger LOG = System.getLogger("letterbox.delivery");

    private final MailStore store;
    private final RecipientResolver resolver;
    private final LocalDelivery local;
    private final QueueSink queue;
    private final String hostname;
    private volatile List<Check> checks = List.of();
    private volatile SieveFilters filters;
    private final Vacations vacations;
    private final Directory directory;
    private volatile Forwarding forwarding = Forwarding.NONE;

    /**
     * @param queue    where mail for other servers (and reports) goes
     * @param hostname this server's name, for trace fields and generated Message-IDs
     */
    public Pipeline(MailStore store, Directory directory, QueueSink queue, String hostname) {
        this.directory = directory;
        this.store = store;
        this.resolver = new RecipientResolver(directory, this::forwarding);
        this.local = new LocalDelivery(store);
        this.queue = queue;
        this.hostname = hostname;
        this.vacations = new Vacations(store.coordination(), store.blobs(), queue, hostname);
    }

    /**
     * Runs the accounts' Sieve scripts at delivery, with the administrator's {@code before} and
     * {@code after} scripts around them, forwarding at most {@code maxRedirects} times per message.
     */
    public void sieve(int maxRedirects, List<String> before, List<String> after) {
        this.filters = new SieveFilters(store, maxRedirects, before, after);
    }

    /** The Sieve filters, or null when none run (see {@link #sieve}). */
    SieveFilters filters() {
        return filters;
    }

    /** The addresses that reach {@code account}, lower case: its own and its aliases' (vacation answers). */
    java.util.Set<String> addressesOf(Account account) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String a : directory.addressesOf(account)) out.add(a.toLowerCase(java.util.Locale.ROOT));
        return out;
    }

    Vacations vacations() {
        return vacations;
    }

    MailStore store() {
        return store;
    }

    /** The checks each message goes through, in order (their header fields go in front in this order). */
    public void checks(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    List<Check> checks() {
        return checks;
    }

    /** How mail for our addresses is passed on to other servers (SRS, loop limits); none until set. */
    public void forwarding(Forwarding forwarding) {
        this.forwarding = forwarding;
    }

    public Forwarding forwarding() {
        return forwarding;
    }

    /**
     * Finishes the runs side by side (each bounds its own time: DNS, a filter's answer) and combines
     * their verdicts: the most severe action wins, the header fields of all are kept in order, the
     * sender counts as verified when a check proved it, and the worst virus level a scanner found
     * is the message's. Runs that {@link Check.Run#blocksInFinish block in finish} each get a
     * virtual thread; the others finish on the calling thread, one after the other (no thread to
     * start and wait for per message and check).
     */
    Verdict runChecks(List<Check.Run> runs, SpooledMessage message) {
        if (runs.isEmpty()) return Verdict.accept(List.of());
        List<CompletableFuture<Verdict>> pending = new ArrayList<>();
        for (Check.Run run : runs) {
            CompletableFuture<Verdict> f = new CompletableFuture<>();
            if (run.blocksInFinish()) Thread.ofVirtual().name("letterbox-check").start(() -> finish(run, message, f));
            pending.add(f);
        }
        for (int i = 0; i < runs.size(); i++) {
            if (!runs.get(i).blocksInFinish()) finish(runs.get(i), message, pending.get(i));
        }
        Verdict combined = Verdict.accept(List.of());
        List<String> fields = new ArrayList<>();
        List<HeaderEdit> edits = new ArrayList<>();
        boolean verified = false;
        Optional<ForwardSeal> seal = Optional.empty();
        java.util.OptionalInt virus = java.util.OptionalInt.empty(); // the worst any scanner found
        for (CompletableFuture<Verdict> f : pending) {
            Verdict v;
            try {
                v = f.join();
            } catch (RuntimeException e) {
                // a check that breaks must not lose the message, nor let it pass unchecked
                LOG.log(WARNING, "a check failed: {0}", String.valueOf(e.getCause()));
                v = Verdict.tempfail("4.3.0", "cannot check the message right now; try again later");
            }
            fields.addAll(v.fields());
            edits.addAll(v.edits());
            verified |= v.senderVerified();
            if (seal.isEmpty()) seal = v.seal();
            if (v.virusLevel().isPresent() && (virus.isEmpty() || v.virusLevel().getAsInt() > virus.getAsInt())) {
                virus = v.virusLevel();
            }
            if (v.action().compareTo(combined.action()) > 0) combined = v;
        }
        return new Verdict(combined.action(), combined.enhancedCode(), combined.text(), fields, edits, verified, seal, virus);
    }

    private static void finish(Check.Run run, SpooledMessage message, CompletableFuture<Verdict> verdict) {
        try {
            verdict.complete(run.finish(message));
        } catch (Throwable e) {
            verdict.completeExceptionally(e);
        }
    }

    /** Where mail for {@code address} goes; see {@link RecipientResolver#resolve}. */
    public RecipientDecision resolve(String address, boolean mayRelay, long declaredSize) {
        return resolver.resolve(address, mayRelay, declaredSize);
    }

    /** Starts a message: write its bytes to {@link Intake#sink()}, then {@link Intake#finish()} or {@link Intake#abort()}. */
    public Intake open(Envelope envelope, Recipients recipients) {
        if (recipients.isEmpty()) throw new IllegalArgumentException("a message needs at least one recipient");
        return new Intake(this, envelope, recipients);
    }

    /**
     * A whole message from a stream (the CLI, the queue). {@code normalizeLineEndings}: a bare LF
     * becomes CRLF, as mail read from Unix files needs (RFC 5322 §2.1).
     */
    public Outcome deliver(Envelope envelope, Recipients recipients, InputStream message, boolean normalizeLineEndings)
            throws IOException {
        Intake intake = open(envelope, recipients);
        try {
            OutputStream sink = normalizeLineEndings ? new CrlfNormalizingStream(intake.sink()) : intake.sink();
            message.transferTo(sink);
            sink.flush();
        } catch (IOException | RuntimeException e) {
            intake.abort();
            throw e;
        }
        return intake.finish();
    }

    String hostname() {
        return hostname;
    }

    BlobStore blobs() {
        return store.blobs();
    }

    LocalDelivery local() {
        return local;
    }

    QueueSink queue() {
        return queue;
    }

    /** Removes a blob no mailbox or queue entry refers to (nothing was delivered, or queueing failed). */
    void discard(BlobId id) {
        try {
            store.blobs().delete(id);
        } catch (IOException e) {
            LOG.log(WARNING, "cannot remove unused blob {0}: {1}", id, e.getMessage());
        }
    }
}
