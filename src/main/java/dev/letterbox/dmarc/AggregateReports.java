package dev.letterbox.dmarc;

import dev.letterbox.store.DmarcReportStore;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts evaluated messages into the aggregate reports (RFC 7489 §7.2) of the domains that ask for
 * them ({@code rua} with a {@code mailto:} URI). Called once per message after DMARC evaluation;
 * counting never delays or fails the message.
 *
 * <p>Counts gather in memory and go to the store in one write (of at most {@link #ROWS_PER_WRITE}
 * rows) every {@link #FLUSH_INTERVAL}, when {@link #MAX_PENDING_ROWS} distinct rows are waiting,
 * and at {@link #close}: a write per message would take several statements on the store's one
 * writer thread, which deliveries share. A crash
 * loses the counts of the last few seconds. They are statistics, and a report missing a few seconds
 * of counts is still a true picture of the day. So is a report sent in the few seconds between its
 * period's end and the next write: the counts that arrive after it has gone are dropped.
 *
 * <p>Bounds: {@link #LIMITS} rows per report and unsent reports; every text put in a row is at most
 * a domain name long, without whitespace; at most {@link #MAX_DKIM_RESULTS} DKIM results a row;
 * at most {@link #MAX_PENDING_ROWS} rows waiting in memory.
 *
 * <p>Lifecycle: the first message counted starts a virtual thread that writes every interval;
 * {@link #close} stops it and writes what is left. Thread-safe.
 */
public final class AggregateReports implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.dmarc");
    /** 10,000 distinct rows is far more than a domain's real sources in a day; a flood shares rows. */
    public static final DmarcReportStore.Limits LIMITS = new DmarcReportStore.Limits(10_000, 10_000);
    static final int MAX_DKIM_RESULTS = 10;
    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(5);
    /** A flood of distinct rows is written at once rather than held (about 1 KiB each, 10 MiB at most). */
    static final int MAX_PENDING_ROWS = 10_000;
    /**
     * Rows per store write: the writer thread is shared with deliveries and its units must stay
     * short, so a flood's rows go in several writes (a few milliseconds each) rather than one long one.
     */
    static final int ROWS_PER_WRITE = 500;
    private static final long HOUR = 3600;
    private static final long DAY = 86_400;

    private final DmarcReportStore store;
    private final DmarcReportStore.Limits limits;
    private final ReentrantLock lock = new ReentrantLock();
    /** Reports with messages not yet written, in the order they were first seen; guarded by lock. */
    private Map<ReportPeriod, Pending> pending = new LinkedHashMap<>();
    private int pendingRows; // guarded by lock
    private boolean closed; // guarded by lock
    private final Duration flushInterval;
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread flusher; // started with the first count; guarded by lock

    public AggregateReports(DmarcReportStore store) {
        this(store, LIMITS, FLUSH_INTERVAL);
    }

    AggregateReports(DmarcReportStore store, DmarcReportStore.Limits limits, Duration flushInterval) {
        this.store = store;
        this.limits = limits;
        this.flushInterval = flushInterval;
    }

    /**
     * What the report needs to know of a message besides its DMARC result.
     *
     * @param source       the SMTP client's address
     * @param envelopeFrom the RFC5321.MailFrom domain ("" for the null sender)
     * @param envelopeTo   the domain of the (first) recipient, "" when unknown
     * @param spf          the SPF result DMARC was given
     * @param dkim         the DKIM results DMARC was given
     * @param at           when the message arrived: picks the report period
     */
    public record MessageFacts(InetAddress source, String envelopeFrom, String envelopeTo, SpfInput spf,
                               List<DkimInput> dkim, Instant at) {}

    private record ReportPeriod(String domain, Instant begin, Instant end) {}

    /** A report's messages waiting to be written: the policy as last seen, and the count per row. */
    private static final class Pending {
        DmarcReportStore.PublishedPolicy policy;
        final Map<DmarcReportStore.Row, Long> counts = new LinkedHashMap<>();

        Pending(DmarcReportStore.PublishedPolicy policy) {
            this.policy = policy;
        }
    }

    /**
     * Counts the message for the report of each checked author domain whose policy has a mailto rua.
     * Returns at once: the count is written with the next {@link #flush}. After {@link #close} it is
     * dropped.
     */
    public void record(Evaluation evaluation, MessageFacts facts) {
        for (DmarcResult result : evaluation.perDomain()) {
            if (result.record().isEmpty()) continue;
            DmarcRecord policy = result.record().get();
            if (!hasMailbox(policy.rua())) continue;
            Instant[] period = period(facts.at(), policy.ri());
            String domain = result.policyDomain();
            count(new ReportPeriod(domain, period[0], period[1]), published(domain, policy), row(result, facts));
        }
    }

    private static boolean hasMailbox(List<ReportUri> rua) {
        for (ReportUri u : rua) {
            if (u.mailbox().isPresent()) return true;
        }
        return false;
    }

    private void count(ReportPeriod report, DmarcReportStore.PublishedPolicy policy, DmarcReportStore.Row row) {
        boolean full;
        lock.lock();
        try {
            if (closed) {
                LOG.log(System.Logger.Level.DEBUG, "DMARC counting has stopped: message for {0} not counted", report.domain());
                return;
            }
            if (flusher == null) {
                flusher = Thread.ofVirtual().name("letterbox-dmarc-counts").start(() -> flushEvery(flushInterval));
            }
            Pending p = pending.computeIfAbsent(report, r -> new Pending(policy));
            p.policy = policy;
            if (p.counts.merge(row, 1L, Long::sum) == 1L) pendingRows++;
            full = pendingRows >= MAX_PENDING_ROWS;
        } finally {
            lock.unlock();
        }
        if (full) flush();
    }

    /**
     * Writes the counts gathered so far: one store write, or one per {@link #ROWS_PER_WRITE} rows.
     * The future completes when they are durable, or were not written (logged here; it never fails).
     */
    public CompletableFuture<Void> flush() {
        Map<ReportPeriod, Pending> taken;
        lock.lock();
        try {
            taken = pending;
            pending = new LinkedHashMap<>();
            pendingRows = 0;
        } finally {
            lock.unlock();
        }
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        List<DmarcReportStore.Tally> batch = new ArrayList<>();
        int rowsInBatch = 0;
        for (Map.Entry<ReportPeriod, Pending> e : taken.entrySet()) {
            List<DmarcReportStore.CountedRow> rows = new ArrayList<>();
            for (Map.Entry<DmarcReportStore.Row, Long> counted : e.getValue().counts.entrySet()) {
                rows.add(new DmarcReportStore.CountedRow(counted.getKey(), counted.getValue()));
                if (rowsInBatch + rows.size() == ROWS_PER_WRITE) {
                    batch.add(tally(e, rows));
                    writes.add(write(batch));
                    batch = new ArrayList<>();
                    rows = new ArrayList<>();
                    rowsInBatch = 0;
                }
            }
            if (!rows.isEmpty()) {
                batch.add(tally(e, rows));
                rowsInBatch += rows.size();
            }
        }
        if (!batch.isEmpty()) writes.add(write(batch));
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    private static DmarcReportStore.Tally tally(Map.Entry<ReportPeriod, Pending> report, List<DmarcReportStore.CountedRow> rows) {
        return new DmarcReportStore.Tally(report.getValue().policy, report.getKey().begin(), report.getKey().end(), rows);
    }

    /** One store write; completes when it is durable or has failed (logged). */
    private CompletableFuture<Void> write(List<DmarcReportStore.Tally> tallies) {
        long messages = 0;
        for (DmarcReportStore.Tally t : tallies) {
            for (DmarcReportStore.CountedRow r : t.rows()) messages += r.count();
        }
        long total = messages;
        try {
            return store.add(tallies, limits).handle((counted, failure) -> {
                logOutcome(tallies.size(), total, counted, failure);
                return null;
            });
        } catch (RuntimeException e) { // the store is closing, say: the messages went on regardless
            logOutcome(tallies.size(), total, 0L, e);
            return CompletableFuture.completedFuture(null);
        }
    }

    private static void logOutcome(int reports, long messages, Long counted, Throwable failure) {
        if (failure != null) {
            LOG.log(System.Logger.Level.WARNING, "DMARC report tallies of " + messages + " messages for " + reports
                    + " reports not written", failure);
        } else if (counted < messages) {
            LOG.log(System.Logger.Level.DEBUG, "DMARC reports full or sent: {0} of {1} messages not counted",
                    messages - counted, messages);
        }
    }

    private void flushEvery(Duration interval) {
        while (true) {
            try {
                if (stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) return;
            } catch (InterruptedException e) {
                return;
            }
            flush();
        }
    }

    /** Stops counting and writes what was counted, waiting for the write. Call before the store closes. */
    @Override
    public void close() {
        Thread started;
        lock.lock();
        try {
            closed = true;
            started = flusher;
        } finally {
            lock.unlock();
        }
        stop.countDown();
        if (started != null) {
            try {
                started.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush().join();
    }

    /**
     * The report period holding {@code at}: the record's interval {@code ri} brought within one hour
     * and one day (§7.2: at least daily; more often than hourly is not offered), rounded down to a
     * whole number of hours that divides a day, so periods line up with UTC days.
     */
    static Instant[] period(Instant at, long ri) {
        long hours = Math.max(1, Math.min(DAY, Math.max(HOUR, ri)) / HOUR);
        while (24 % hours != 0) hours--;
        long length = hours * HOUR;
        long begin = Math.floorDiv(at.getEpochSecond(), length) * length;
        return new Instant[] {Instant.ofEpochSecond(begin), Instant.ofEpochSecond(begin + length)};
    }

    static DmarcReportStore.PublishedPolicy published(String domain, DmarcRecord r) {
        List<String> rua = new ArrayList<>();
        for (ReportUri u : r.rua()) rua.add(u.toString());
        return new DmarcReportStore.PublishedPolicy(domain, r.p().token(), r.subdomainPolicy().token(), r.pct(),
                r.adkim().token(), r.aspf().token(), r.fo(), rua);
    }

    private static DmarcReportStore.Row row(DmarcResult result, MessageFacts facts) {
        List<DmarcReportStore.AuthResult> dkim = new ArrayList<>();
        for (DkimInput d : facts.dkim()) {
            if (dkim.size() == MAX_DKIM_RESULTS) break;
            dkim.add(new DmarcReportStore.AuthResult(domainWord(d.domain()), word(d.selector()), d.result().token()));
        }
        List<DmarcReportStore.AuthResult> spf = new ArrayList<>();
        SpfInput s = facts.spf();
        if (!s.domain().isEmpty()) {
            spf.add(new DmarcReportStore.AuthResult(domainWord(s.domain()), s.scope().token(), s.result().token()));
        }
        return new DmarcReportStore.Row(facts.source().getHostAddress(), result.fromDomain(),
                facts.envelopeFrom().isEmpty() ? "" : domainWord(facts.envelopeFrom()),
                facts.envelopeTo().isEmpty() ? "" : domainWord(facts.envelopeTo()),
                result.disposition().token(), result.dkimAligned(), result.spfAligned(),
                result.sampledOut() ? List.of("sampled_out") : List.of(), dkim, spf);
    }

    /** A domain from the message as the report shows it: A-label form, or the text made safe when it is no name. */
    private static String domainWord(String domain) {
        String w = DomainNames.ascii(domain).orElseGet(() -> word(domain));
        return w.isEmpty() ? "?" : w;
    }

    /** Printable ASCII without whitespace (each other character becomes '?'), at most a domain name long. */
    static String word(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < DomainNames.MAX_LENGTH; i++) {
            char c = s.charAt(i);
            sb.append(c > ' ' && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
