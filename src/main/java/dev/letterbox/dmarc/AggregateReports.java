package dev.letterbox.dmarc;

import dev.letterbox.store.DmarcReportStore;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Counts evaluated messages into the aggregate reports (RFC 7489 §7.2) of the domains that ask for
 * them ({@code rua} with a {@code mailto:} URI). Called once per message after DMARC evaluation;
 * the counting is written in the background and never delays or fails the message.
 *
 * <p>Bounds: {@link #LIMITS} rows per report and unsent reports; every text put in a row is at most
 * a domain name long, without whitespace; at most {@link #MAX_DKIM_RESULTS} DKIM results a row.
 */
public final class AggregateReports {
    private static final System.Logger LOG = System.getLogger("letterbox.dmarc");
    /** 10,000 distinct rows is far more than a domain's real sources in a day; a flood shares rows. */
    public static final DmarcReportStore.Limits LIMITS = new DmarcReportStore.Limits(10_000, 10_000);
    static final int MAX_DKIM_RESULTS = 10;
    private static final long HOUR = 3600;
    private static final long DAY = 86_400;

    private final DmarcReportStore store;
    private final DmarcReportStore.Limits limits;

    public AggregateReports(DmarcReportStore store) {
        this(store, LIMITS);
    }

    AggregateReports(DmarcReportStore store, DmarcReportStore.Limits limits) {
        this.store = store;
        this.limits = limits;
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

    /**
     * Counts the message in the report of each checked author domain whose policy has a mailto rua.
     * Returns at once; the returned future completes when the counts are written (callers need not
     * wait: a failure is logged here).
     */
    public CompletableFuture<Void> record(Evaluation evaluation, MessageFacts facts) {
        List<CompletableFuture<Boolean>> writes = new ArrayList<>();
        for (DmarcResult result : evaluation.perDomain()) {
            if (result.record().isEmpty()) continue;
            DmarcRecord policy = result.record().get();
            if (policy.rua().stream().noneMatch(u -> u.mailbox().isPresent())) continue;
            Instant[] period = period(facts.at(), policy.ri());
            String domain = result.policyDomain();
            try {
                writes.add(store.add(published(domain, policy), period[0], period[1], row(result, facts), limits)
                        .whenComplete((counted, failure) -> logOutcome(domain, counted, failure)));
            } catch (RuntimeException e) { // the store is closing, say: the message goes on regardless
                logOutcome(domain, false, e);
            }
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).exceptionally(failure -> null);
    }

    private static void logOutcome(String domain, Boolean counted, Throwable failure) {
        if (failure != null) {
            LOG.log(System.Logger.Level.WARNING, "DMARC report tally for " + domain + " not written", failure);
        } else if (!counted) {
            LOG.log(System.Logger.Level.DEBUG, "DMARC report for {0} full or sent: message not counted", domain);
        }
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
