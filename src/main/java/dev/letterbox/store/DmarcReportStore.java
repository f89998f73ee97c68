package dev.letterbox.store;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The tallies behind DMARC aggregate reports (RFC 7489 §7.2): per policy domain and report period,
 * how many messages came from which source with which results. Obtained from
 * {@link MailStore#dmarcReports()}.
 *
 * <p>Invariants: messages with the same row (source, identifiers, results) in the same report are
 * one row with a count, so a flood costs one row; a report never holds more rows than the caller's
 * {@link Limits} and there are never more unsent reports than it allows (what does not fit is
 * counted, not stored). A report is either waiting or sent; {@link #enqueue} queues its message and
 * marks it sent in one durable write, so it is queued at most once, across crashes and restarts,
 * and a sent report takes no more messages.
 */
public interface DmarcReportStore {

    /**
     * The policy as published (Appendix C {@code policy_published}) and the report's destinations
     * ({@code rua} URIs as written), as last seen during the period. Keyword values are as in
     * records: "none", "r", "0" and so on.
     */
    record PublishedPolicy(String domain, String p, String sp, int pct, String adkim, String aspf, String fo,
                           List<String> rua) {
        public PublishedPolicy {
            rua = List.copyOf(rua);
        }
    }

    /**
     * One authentication result: a DKIM signature ({@code qualifier} = selector, may be "") or the
     * SPF check ({@code qualifier} = scope, "mfrom" or "helo"). No field contains whitespace.
     */
    record AuthResult(String domain, String qualifier, String result) {}

    /**
     * One message's line in a report (Appendix C {@code record}): source IP, identifiers, the
     * evaluated policy ({@code disposition}, whether DKIM and SPF passed aligned, override reasons
     * such as "sampled_out") and the raw results. {@code envelopeTo} may be "".
     */
    record Row(String sourceIp, String headerFrom, String envelopeFrom, String envelopeTo, String disposition,
               boolean dkimPass, boolean spfPass, List<String> reasons, List<AuthResult> dkim, List<AuthResult> spf) {
        public Row {
            reasons = List.copyOf(reasons);
            dkim = List.copyOf(dkim);
            spf = List.copyOf(spf);
        }
    }

    record CountedRow(Row row, long count) {}

    /**
     * A report waiting to be sent. {@code token} is unique to the report (letters and digits), for its
     * report id; {@code unlisted} counts messages that did not fit in its rows.
     */
    record Report(long id, String token, PublishedPolicy policy, Instant begin, Instant end, long unlisted) {}

    /** At most {@code rowsPerReport} rows in one report; at most {@code openReports} reports not yet sent. */
    record Limits(int rowsPerReport, int openReports) {}

    /**
     * Messages counted by the caller for the report of {@code policy.domain()} for the period
     * [begin, end): the policy as last seen, and how many messages each row stands for (rows
     * distinct, counts positive).
     */
    record Tally(PublishedPolicy policy, Instant begin, Instant end, List<CountedRow> rows) {
        public Tally {
            rows = List.copyOf(rows);
            for (CountedRow r : rows) {
                if (r.count() <= 0) throw new IllegalArgumentException("a tally counts at least one message a row");
            }
        }
    }

    /**
     * Counts the tallies in one durable write, each as if its messages had been added one at a
     * time: the report is created when it is the period's first, its policy becomes the tally's,
     * and a row that no longer fits counts as unlisted. Completes with how many messages were
     * counted; the others were not because their report was already sent, or a new report would
     * pass {@code limits.openReports}. Durable when the future completes; callers need not wait.
     * A row with whitespace in a field is refused (IllegalArgumentException) before anything is written.
     */
    CompletableFuture<Long> add(List<Tally> tallies, Limits limits);

    /**
     * Counts one message in the report of {@code policy.domain()} for the period [begin, end), as
     * {@link #add(List, Limits)} does. Completes with false when it was not counted.
     */
    default CompletableFuture<Boolean> add(PublishedPolicy policy, Instant begin, Instant end, Row row, Limits limits) {
        return add(List.of(new Tally(policy, begin, end, List.of(new CountedRow(row, 1)))), limits).thenApply(n -> n > 0);
    }

    /** Reports not yet sent whose period ended at or before {@code now}, earliest end first, at most {@code limit}. */
    List<Report> due(Instant now, int limit);

    /** The rows of a report, largest count first, at most {@code limit}. */
    List<CountedRow> rows(long reportId, int limit);

    /**
     * Queues the report's message in the outbound queue and marks the report sent, in one durable
     * write. Empty (nothing queued) when the report was already sent or is gone.
     */
    OptionalLong enqueue(long reportId, QueuedMessage.Envelope envelope, List<QueuedMessage.NewRecipient> recipients);

    /** Marks a report sent without sending anything (nobody may receive it); false when it already was. */
    boolean markSent(long reportId);

    /** Removes the reports (sent or not) whose period ended before {@code endedBefore}; returns how many. */
    int prune(Instant endedBefore);
}
