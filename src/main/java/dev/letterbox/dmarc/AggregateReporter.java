package dev.letterbox.dmarc;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.dns.DnsResolver;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.DmarcReportStore;
import dev.letterbox.store.QueuedMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Sends the aggregate reports whose period has ended (RFC 7489 §7.2): for each, the XML of
 * Appendix C, gzipped, in a message to the verified {@code mailto:} destinations of its
 * {@code rua}, handed to a {@link ReportSink}, which queues it and marks the report sent in one
 * write. A crash before that write leaves the report waiting (its blob is swept later); after it,
 * the report is sent. So each report goes out once, whatever restarts come between.
 *
 * <p>A report nobody may receive (no mailto URI, no destination agreed, every one too small for it)
 * is marked sent without a message. One whose destinations could not be verified for DNS trouble
 * waits for the next run, for up to {@link #GIVE_UP_AFTER}. Reports are deleted
 * {@link #KEEP} after their period.
 */
public final class AggregateReporter {
    private static final System.Logger LOG = System.getLogger("letterbox.dmarc");
    static final Duration GIVE_UP_AFTER = Duration.ofDays(2);
    static final Duration KEEP = Duration.ofDays(7);
    /** Reports handled per run; the rest wait for the next. */
    static final int REPORTS_PER_RUN = 500;

    private final DmarcReportStore store;
    private final BlobStore blobs;
    private final ReportSink sink;
    private final ReportDestinations destinations;
    private final String hostname;
    private final String reportFrom;

    /**
     * @param hostname   our host name: the reports' org_name and Submitter
     * @param reportFrom the address reports come from (From, envelope sender and contact email)
     */
    public AggregateReporter(DmarcReportStore store, BlobStore blobs, ReportSink sink, DnsResolver dns,
                             OrganizationalDomain psl, String hostname, String reportFrom) {
        this.store = store;
        this.blobs = blobs;
        this.sink = sink;
        this.destinations = new ReportDestinations(dns, psl);
        this.hostname = hostname;
        this.reportFrom = reportFrom;
    }

    /** Sends every report due at {@code now} and prunes old ones; returns how many reports were queued. */
    public int runOnce(Instant now) {
        store.prune(now.minus(KEEP));
        int queued = 0;
        for (DmarcReportStore.Report report : store.due(now, REPORTS_PER_RUN)) {
            try {
                if (send(report, now)) queued++;
            } catch (IOException | RuntimeException e) {
                // This report waits for the next run; the others go on.
                LOG.log(WARNING, "DMARC report " + report.token() + " for " + report.policy().domain() + " not sent now", e);
            }
        }
        return queued;
    }

    private boolean send(DmarcReportStore.Report report, Instant now) throws IOException {
        String domain = report.policy().domain();
        ReportDestinations.Resolved to = destinations.resolve(domain, report.policy().rua());
        if (!to.refused().isEmpty()) LOG.log(INFO, "DMARC report for {0}: left out {1}", domain, to.refused());
        if (to.accepted().isEmpty()) {
            if (to.tempFailed() && now.isBefore(report.end().plus(GIVE_UP_AFTER))) return false; // next run
            store.markSent(report.id());
            LOG.log(INFO, "DMARC report for {0}: nobody to send it to", domain);
            return false;
        }
        String reportId = report.token() + "@" + hostname;
        long begin = report.begin().getEpochSecond();
        long end = report.end().getEpochSecond() - 1; // the report names the period's last second
        List<String> errors = report.unlisted() > 0
                ? List.of(report.unlisted() + " messages are not itemised: the report reached its row limit")
                : List.of();
        byte[] xml = AggregateXml.write(hostname, reportFrom, reportId, begin, end, report.policy(),
                store.rows(report.id(), AggregateReports.LIMITS.rowsPerReport()), errors);
        byte[] gz = ReportMessage.gzip(xml);

        List<ReportDestinations.Destination> fitting = new ArrayList<>(to.accepted());
        byte[] message = compose(fitting, domain, reportId, begin, end, gz, now);
        // §6.2 "!size": a destination that takes less than the report gets none.
        if (fitting.removeIf(d -> d.maxBytes().isPresent() && d.maxBytes().getAsLong() < message.length)) {
            LOG.log(INFO, "DMARC report for {0} ({1} bytes) too large for some destinations", domain, message.length);
        }
        if (fitting.isEmpty()) {
            store.markSent(report.id());
            return false;
        }
        byte[] sent = fitting.size() == to.accepted().size() ? message : compose(fitting, domain, reportId, begin, end, gz, now);
        return queue(report, fitting, sent, now);
    }

    private byte[] compose(List<ReportDestinations.Destination> to, String domain, String reportId, long begin, long end,
                           byte[] gz, Instant now) {
        List<String> mailboxes = to.stream().map(ReportDestinations.Destination::mailbox).toList();
        return ReportMessage.compose(reportFrom, mailboxes, hostname, domain, reportId, begin, end, gz, now);
    }

    private boolean queue(DmarcReportStore.Report report, List<ReportDestinations.Destination> to, byte[] message,
                          Instant now) throws IOException {
        BlobId blob;
        try (BlobStore.BlobWriter w = blobs.create()) {
            w.stream().write(message);
            blob = w.commit();
        }
        var envelope = new QueuedMessage.Envelope(reportFrom, blob, message.length, now, QueuedMessage.Body.SEVEN_BIT,
                false, Optional.empty(), Optional.empty(), OptionalLong.empty());
        // NOTIFY=NEVER: a bounce of a report would only reach the no-reply report address.
        List<QueuedMessage.NewRecipient> recipients = to.stream()
                .map(d -> QueuedMessage.NewRecipient.pending(d.mailbox(), Optional.of(Set.<QueuedMessage.Notify>of()),
                        Optional.empty()))
                .toList();
        OptionalLong id;
        try {
            id = sink.enqueue(report.id(), envelope, recipients);
        } catch (RuntimeException e) {
            blobs.delete(blob);
            throw e;
        }
        if (id.isEmpty()) {
            blobs.delete(blob); // another process sent it meanwhile
            return false;
        }
        LOG.log(INFO, "DMARC report {0} for {1} queued as {2} to {3}", report.token(), report.policy().domain(),
                id.getAsLong(), recipients.stream().map(QueuedMessage.NewRecipient::address).toList());
        return true;
    }
}
