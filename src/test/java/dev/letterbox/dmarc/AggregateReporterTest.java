package dev.letterbox.dmarc;

import static dev.letterbox.dmarc.ReportFixture.childNames;
import static dev.letterbox.dmarc.ReportFixture.children;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.sql.SqlMailStore;
import dev.letterbox.testing.TestDnsServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * Aggregate reports end to end on a real store, with a DNS server on loopback: messages evaluated
 * by the verifier are counted, and the reporter queues one report per domain and period, in the
 * form of RFC 7489 §7.2.1.1 and Appendix C, once.
 */
class AggregateReporterTest {
    static final String HOST = "mx.letterbox.test";
    static final String REPORT_FROM = "dmarc-reports@letterbox.test";
    static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
    static final Instant NEXT_DAY = DAY.plusSeconds(86_400);

    @TempDir
    Path dir;
    TestDnsServer dns;
    DnsjavaResolver resolver;
    MailStore store;
    final OrganizationalDomain psl = new OrganizationalDomain();

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer();
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com,mailto:agg@thirdparty.example!10m")
                .txt("example.com._report._dmarc.thirdparty.example", "v=DMARC1")
                .txt("_dmarc.other.example", "v=DMARC1; p=quarantine; sp=none; pct=0; adkim=s; fo=1; rua=mailto:r@mail.other.example")
                .txt("_dmarc.noreports.example", "v=DMARC1; p=reject");
        resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2));
        store = SqlMailStore.openSqlite(dir.resolve("data"));
    }

    @AfterEach
    void stop() {
        if (store != null) store.close();
        dns.close();
    }

    private void reopen() {
        store.close();
        store = SqlMailStore.openSqlite(dir.resolve("data"));
    }

    private AggregateReporter reporter(ReportSink sink) {
        return new AggregateReporter(store.dmarcReports(), store.blobs(), sink, resolver, psl, HOST, REPORT_FROM);
    }

    private AggregateReporter reporter() {
        return reporter(store.dmarcReports()::enqueue);
    }

    /** Evaluates a message as the pipeline would and counts it. */
    private void receive(String from, String ip, SpfInput spf, List<DkimInput> dkim, Instant at) throws Exception {
        var verifier = new DmarcVerifier(resolver, psl, new Random(3));
        Evaluation e = verifier.evaluate(new Author.Domains(List.of(from)), spf, dkim);
        var facts = new AggregateReports.MessageFacts(InetAddress.getByName(ip), spf.domain(), "letterbox.test", spf, dkim, at);
        try (var counter = new AggregateReports(store.dmarcReports())) {
            counter.record(e, facts);
        } // closing writes the count
    }

    private void receiveFailing(String from, String ip, Instant at) throws Exception {
        receive(from, ip, new SpfInput(SpfInput.Result.PASS, "bulk.example.net", SpfInput.Scope.MFROM),
                List.of(new DkimInput(DkimInput.Result.FAIL, from, "s2026")), at);
    }

    private void receivePassing(String from, String ip, Instant at) throws Exception {
        receive(from, ip, new SpfInput(SpfInput.Result.PASS, "bounce." + from, SpfInput.Scope.MFROM),
                List.of(new DkimInput(DkimInput.Result.PASS, from, "s2026")), at);
    }

    private static ReportFixture about(List<ReportFixture> reports, String domain) {
        return reports.stream().filter(r -> r.text("policy_published/domain").equals(domain)).findFirst().orElseThrow();
    }

    @Test
    void oneReportPerDomainAndDayInTheFormOfAppendixC() throws Exception {
        receivePassing("example.com", "192.0.2.10", DAY.plusSeconds(3600));
        receivePassing("example.com", "192.0.2.10", DAY.plusSeconds(7200));
        receiveFailing("example.com", "198.51.100.7", DAY.plusSeconds(50_000));
        receiveFailing("mail.other.example", "2001:db8::25", DAY.plusSeconds(80_000));
        receiveFailing("noreports.example", "192.0.2.99", DAY.plusSeconds(100));
        receivePassing("example.com", "192.0.2.10", NEXT_DAY.plusSeconds(10)); // the next day's report

        assertEquals(0, reporter().runOnce(NEXT_DAY.minusSeconds(1)), "nothing before the day is over");
        assertEquals(2, reporter().runOnce(NEXT_DAY.plusSeconds(600)));
        List<ReportFixture> reports = ReportFixture.queued(store);
        assertEquals(2, reports.size(), "example.com and other.example; noreports.example asked for none");

        ReportFixture example = about(reports, "example.com");
        long begin = DAY.getEpochSecond();
        long end = NEXT_DAY.getEpochSecond() - 1;
        String reportId = example.text("report_metadata/report_id");
        assertTrue(reportId.endsWith("@" + HOST), reportId);
        // §7.2.1.1: the envelope, the Subject, the file name
        assertEquals(REPORT_FROM, example.queued().envelope().sender());
        assertEquals(Set.of("dmarc@example.com", "agg@thirdparty.example"),
                example.queued().recipients().stream().map(QueuedMessage.Recipient::address).collect(Collectors.toSet()));
        assertTrue(example.queued().recipients().stream().allMatch(r -> r.notifyOn().equals(Optional.of(Set.of()))),
                "no bounces for reports");
        assertEquals("Report Domain: example.com Submitter: " + HOST + " Report-ID: <" + reportId + ">", example.subject());
        assertEquals(HOST + "!example.com!" + begin + "!" + end + ".xml.gz", example.fileName());
        assertEquals("<" + reportId + ">", example.message().getMessageID());

        // Appendix C
        Element root = example.xml().getDocumentElement();
        assertEquals("feedback", root.getTagName());
        assertEquals(List.of("version", "report_metadata", "policy_published", "record", "record"), childNames(root));
        assertEquals(List.of("org_name", "email", "report_id", "date_range"),
                childNames(children(root, "report_metadata").get(0)));
        assertEquals(HOST, example.text("report_metadata/org_name"));
        assertEquals(REPORT_FROM, example.text("report_metadata/email"));
        assertEquals(Long.toString(begin), example.text("report_metadata/date_range/begin"));
        assertEquals(Long.toString(end), example.text("report_metadata/date_range/end"));
        assertEquals(List.of("domain", "adkim", "aspf", "p", "sp", "pct", "fo"),
                childNames(children(root, "policy_published").get(0)));
        assertEquals("r", example.text("policy_published/adkim"));
        assertEquals("reject", example.text("policy_published/p"));
        assertEquals("reject", example.text("policy_published/sp"));
        assertEquals("100", example.text("policy_published/pct"));
        assertEquals("0", example.text("policy_published/fo"));

        Element passing = example.records().get(0); // largest count first
        assertEquals(List.of("row", "identifiers", "auth_results"), childNames(passing));
        assertEquals("192.0.2.10", ReportFixture.text(passing, "row/source_ip"));
        assertEquals("2", ReportFixture.text(passing, "row/count"));
        assertEquals("none", ReportFixture.text(passing, "row/policy_evaluated/disposition"));
        assertEquals("pass", ReportFixture.text(passing, "row/policy_evaluated/dkim"));
        assertEquals("pass", ReportFixture.text(passing, "row/policy_evaluated/spf"));
        assertEquals(List.of("envelope_to", "envelope_from", "header_from"), childNames(children(passing, "identifiers").get(0)));
        assertEquals("letterbox.test", ReportFixture.text(passing, "identifiers/envelope_to"));
        assertEquals("bounce.example.com", ReportFixture.text(passing, "identifiers/envelope_from"));
        assertEquals("example.com", ReportFixture.text(passing, "identifiers/header_from"));
        assertEquals("example.com", ReportFixture.text(passing, "auth_results/dkim/domain"));
        assertEquals("s2026", ReportFixture.text(passing, "auth_results/dkim/selector"));
        assertEquals("pass", ReportFixture.text(passing, "auth_results/dkim/result"));
        assertEquals("bounce.example.com", ReportFixture.text(passing, "auth_results/spf/domain"));
        assertEquals("mfrom", ReportFixture.text(passing, "auth_results/spf/scope"));
        assertEquals("pass", ReportFixture.text(passing, "auth_results/spf/result"));

        Element failing = example.records().get(1);
        assertEquals("198.51.100.7", ReportFixture.text(failing, "row/source_ip"));
        assertEquals("1", ReportFixture.text(failing, "row/count"));
        assertEquals("reject", ReportFixture.text(failing, "row/policy_evaluated/disposition"));
        assertEquals("fail", ReportFixture.text(failing, "row/policy_evaluated/dkim"));
        assertEquals("fail", ReportFixture.text(failing, "row/policy_evaluated/spf"));
        assertEquals("bulk.example.net", ReportFixture.text(failing, "auth_results/spf/domain"));

        ReportFixture other = about(reports, "other.example");
        assertEquals(List.of("r@mail.other.example"), other.queued().recipients().stream().map(QueuedMessage.Recipient::address).toList());
        assertEquals("s", other.text("policy_published/adkim"));
        assertEquals("none", other.text("policy_published/sp"));
        assertEquals("0", other.text("policy_published/pct"));
        assertEquals("1", other.text("policy_published/fo"));
        Element sampled = other.records().get(0);
        assertEquals("2001:db8:0:0:0:0:0:25", ReportFixture.text(sampled, "row/source_ip"));
        assertEquals("none", ReportFixture.text(sampled, "row/policy_evaluated/disposition"));
        assertEquals("mail.other.example", ReportFixture.text(sampled, "identifiers/header_from"));

        assertEquals(0, reporter().runOnce(NEXT_DAY.plusSeconds(7200)), "each report goes once");
        assertEquals(1, reporter().runOnce(NEXT_DAY.plusSeconds(86_400)), "the next day's");
        assertEquals(3, store.queue().list(0, 10).size());
    }

    @Test
    void aSampledOutFailureSaysSo() throws Exception {
        dns.txt("_dmarc.sampled.example", "v=DMARC1; p=reject; pct=0; rua=mailto:r@sampled.example");
        receiveFailing("sampled.example", "192.0.2.1", DAY);
        reporter().runOnce(NEXT_DAY);
        Element record = ReportFixture.queued(store).get(0).records().get(0);
        assertEquals("quarantine", ReportFixture.text(record, "row/policy_evaluated/disposition"));
        assertEquals("sampled_out", ReportFixture.text(record, "row/policy_evaluated/reason/type"));
    }

    @Test
    void aFullReportSaysHowManyMessagesItCouldNotItemise() throws Exception {
        var verifier = new DmarcVerifier(resolver, psl, new Random(3));
        var spf = new SpfInput(SpfInput.Result.FAIL, "bulk.example.net", SpfInput.Scope.MFROM);
        try (var counter = new AggregateReports(store.dmarcReports(), new dev.letterbox.store.DmarcReportStore.Limits(2, 10),
                AggregateReports.FLUSH_INTERVAL)) {
            for (int i = 1; i <= 5; i++) {
                Evaluation e = verifier.evaluate(new Author.Domains(List.of("example.com")), spf, List.of());
                counter.record(e, new AggregateReports.MessageFacts(InetAddress.getByName("192.0.2." + i), "bulk.example.net",
                        "", spf, List.of(), DAY));
            }
        }
        reporter().runOnce(NEXT_DAY);
        ReportFixture report = ReportFixture.queued(store).get(0);
        assertEquals(2, report.records().size());
        assertEquals("3 messages are not itemised: the report reached its row limit", report.text("report_metadata/error"));
        Element record = report.records().get(0);
        assertEquals(List.of("envelope_from", "header_from"), childNames(children(record, "identifiers").get(0)),
                "no envelope_to when it is not known");
        assertTrue(children(children(record, "auth_results").get(0), "dkim").isEmpty());
        assertEquals("fail", ReportFixture.text(record, "auth_results/spf/result"));
    }

    @Test
    void aCrashBeforeTheReportIsQueuedSendsItAfterTheRestartOnce() throws Exception {
        receiveFailing("example.com", "192.0.2.1", DAY);
        ReportSink dying = (id, envelope, recipients) -> {
            throw new IllegalStateException("power cut before the write");
        };
        assertEquals(0, reporter(dying).runOnce(NEXT_DAY));
        assertTrue(store.queue().list(0, 10).isEmpty());

        reopen();
        assertEquals(1, reporter().runOnce(NEXT_DAY.plusSeconds(3600)));
        reopen();
        assertEquals(0, reporter().runOnce(NEXT_DAY.plusSeconds(7200)));
        assertEquals(1, store.queue().list(0, 10).size());
    }

    @Test
    void aCrashAfterTheReportIsQueuedDoesNotSendItAgain() throws Exception {
        receiveFailing("example.com", "192.0.2.1", DAY);
        var real = store.dmarcReports();
        ReportSink dyingAfter = (id, envelope, recipients) -> {
            real.enqueue(id, envelope, recipients);
            throw new IllegalStateException("power cut after the write");
        };
        reporter(dyingAfter).runOnce(NEXT_DAY);
        reopen();
        assertEquals(0, reporter().runOnce(NEXT_DAY.plusSeconds(3600)));
        List<ReportFixture> queued = ReportFixture.queued(store);
        assertEquals(1, queued.size());
        assertTrue(store.blobs().exists(queued.get(0).queued().envelope().blob()), "the queued report keeps its bytes");
    }

    @Test
    void anExternalDestinationThatDidNotAgreeGetsNothing() throws Exception {
        dns.txt("_dmarc.refused.example", "v=DMARC1; p=none; rua=mailto:agg@collector.example");
        receiveFailing("refused.example", "192.0.2.1", DAY);
        assertEquals(0, reporter().runOnce(NEXT_DAY));
        assertTrue(store.queue().list(0, 10).isEmpty());
        assertTrue(store.dmarcReports().due(NEXT_DAY, 10).isEmpty(), "done with: nobody may have it");
    }

    @Test
    void onlyTheDestinationsThatMayHaveItGetIt() throws Exception {
        dns.txt("_dmarc.mixed.example", "v=DMARC1; p=none; rua=https://reports.mixed.example/,mailto:agg@collector.example,"
                        + "mailto:own@reports.mixed.example,mailto:agg@agreed.example")
                .txt("mixed.example._report._dmarc.agreed.example", "v=DMARC1; rua=mailto:inbox@agreed.example,mailto:x@third.example")
                .txt("mixed.example._report._dmarc.collector.example", "v=spf1 -all");
        receiveFailing("mixed.example", "192.0.2.1", DAY);
        assertEquals(1, reporter().runOnce(NEXT_DAY));
        // the agreed destination's own rua replaces its address, but only on its own host
        assertEquals(List.of("own@reports.mixed.example", "inbox@agreed.example"),
                store.queue().list(0, 10).get(0).recipients().stream().map(QueuedMessage.Recipient::address).toList());
    }

    @Test
    void destinationsThatCannotBeVerifiedForNowAreTriedAgainThenGivenUp() throws Exception {
        dns.txt("_dmarc.later.example", "v=DMARC1; p=none; rua=mailto:agg@slow.example")
                .servfail("later.example._report._dmarc.slow.example");
        receiveFailing("later.example", "192.0.2.1", DAY);
        assertEquals(0, reporter().runOnce(NEXT_DAY));
        assertEquals(1, store.dmarcReports().due(NEXT_DAY, 10).size(), "kept for the next run");
        assertEquals(0, reporter().runOnce(NEXT_DAY.plus(AggregateReporter.GIVE_UP_AFTER)));
        assertTrue(store.dmarcReports().due(NEXT_DAY.plus(AggregateReporter.GIVE_UP_AFTER), 10).isEmpty());
        assertTrue(store.queue().list(0, 10).isEmpty());
    }

    @Test
    void aDestinationsSizeLimitIsHonoured() throws Exception {
        dns.txt("_dmarc.sized.example", "v=DMARC1; p=none; rua=mailto:tiny@sized.example!500,mailto:big@sized.example!1m");
        receiveFailing("sized.example", "192.0.2.1", DAY);
        assertEquals(1, reporter().runOnce(NEXT_DAY));
        ReportFixture report = ReportFixture.queued(store).get(0);
        assertEquals(List.of("big@sized.example"), report.queued().recipients().stream().map(QueuedMessage.Recipient::address).toList());
        assertTrue(report.queued().envelope().size() > 500);
        assertEquals("big@sized.example", report.message().getHeader("To", ",").replaceAll("[<>\\s]", ""));

        dns.txt("_dmarc.small.example", "v=DMARC1; p=none; rua=mailto:tiny@small.example!500");
        receiveFailing("small.example", "192.0.2.1", DAY);
        assertEquals(0, reporter().runOnce(NEXT_DAY));
        assertEquals(1, store.queue().list(0, 10).size());
    }

    @Test
    void recordsWithoutAMailtoAddressAreNotCounted() throws Exception {
        dns.txt("_dmarc.webonly.example", "v=DMARC1; p=reject; rua=https://reports.webonly.example/");
        receiveFailing("webonly.example", "192.0.2.1", DAY);
        receiveFailing("noreports.example", "192.0.2.1", DAY);
        receiveFailing("nodmarc.example", "192.0.2.1", DAY);
        assertTrue(store.dmarcReports().due(NEXT_DAY, 10).isEmpty());
    }

    @Test
    void anHourlyIntervalMakesHourlyReports() throws Exception {
        dns.txt("_dmarc.hourly.example", "v=DMARC1; p=none; ri=3600; rua=mailto:r@hourly.example");
        receiveFailing("hourly.example", "192.0.2.1", DAY.plusSeconds(10 * 3600 + 900));
        receiveFailing("hourly.example", "192.0.2.1", DAY.plusSeconds(11 * 3600 + 1200));
        assertEquals(1, reporter().runOnce(DAY.plusSeconds(11 * 3600)));
        assertEquals(1, reporter().runOnce(DAY.plusSeconds(12 * 3600)));
        ReportFixture first = ReportFixture.queued(store).get(0);
        assertEquals(Long.toString(DAY.getEpochSecond() + 10 * 3600), first.text("report_metadata/date_range/begin"));
        assertEquals(Long.toString(DAY.getEpochSecond() + 11 * 3600 - 1), first.text("report_metadata/date_range/end"));
    }

    @Test
    void periodsStayBetweenAnHourAndADayAndLineUpWithUtcDays() {
        Instant at = DAY.plusSeconds(13 * 3600 + 1234);
        assertEquals(List.of(DAY, NEXT_DAY), List.of(AggregateReports.period(at, 86_400)));
        assertEquals(List.of(DAY, NEXT_DAY), List.of(AggregateReports.period(at, 7 * 86_400)), "at least daily");
        assertEquals(List.of(DAY.plusSeconds(13 * 3600), DAY.plusSeconds(14 * 3600)),
                List.of(AggregateReports.period(at, 60)), "not more often than hourly");
        assertEquals(List.of(DAY.plusSeconds(12 * 3600), DAY.plusSeconds(16 * 3600)),
                List.of(AggregateReports.period(at, 5 * 3600)), "5 h does not divide a day: 4 h");
        assertEquals(List.of(DAY.plusSeconds(12 * 3600), DAY.plusSeconds(18 * 3600)), List.of(AggregateReports.period(at, 6 * 3600)));
    }

    @Test
    void oldReportsArePruned() throws Exception {
        dns.txt("_dmarc.later.example", "v=DMARC1; p=none; rua=mailto:agg@slow.example")
                .servfail("later.example._report._dmarc.slow.example");
        receiveFailing("later.example", "192.0.2.1", DAY);
        reporter().runOnce(NEXT_DAY);
        assertEquals(1, store.dmarcReports().due(NEXT_DAY, 10).size());
        // prune comes first: a report older than KEEP is gone before anyone tries it
        Instant later = NEXT_DAY.plus(AggregateReporter.KEEP).plusSeconds(1);
        reporter().runOnce(later);
        assertEquals(0, store.dmarcReports().prune(later), "the run pruned it already");
        assertTrue(store.queue().list(0, 10).isEmpty());
    }

    @Test
    void theSchedulerRunsTheReporterAndStops() throws Exception {
        receiveFailing("example.com", "192.0.2.1", DAY);
        var clock = java.time.Clock.fixed(NEXT_DAY.plusSeconds(60), java.time.ZoneOffset.UTC);
        try (ReportScheduler s = ReportScheduler.start(reporter(), clock, Duration.ofMillis(10), Duration.ofMillis(50))) {
            dev.letterbox.testing.Eventually.until(Duration.ofSeconds(10), "the report queued",
                    () -> !store.queue().list(0, 10).isEmpty());
        }
        assertEquals(1, store.queue().list(0, 10).size());
    }

    @Test
    void aReportOfAStoreThatIsClosedIsNotLost() throws Exception {
        receiveFailing("example.com", "192.0.2.1", DAY);
        store.close();
        assertThrows(RuntimeException.class, () -> reporter().runOnce(NEXT_DAY));
        store = SqlMailStore.openSqlite(dir.resolve("data"));
        assertEquals(1, reporter().runOnce(NEXT_DAY));
    }
}
