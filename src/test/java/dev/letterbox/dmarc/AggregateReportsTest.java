package dev.letterbox.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.DmarcReportStore;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.sql.SqlMailStore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Counting for aggregate reports on a real store: counts gather in memory and reach the store in
 * writes that add up to every message counted; the timer, a full buffer and closing each write them.
 */
class AggregateReportsTest {
    static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
    static final Instant NEXT_DAY = DAY.plusSeconds(86_400);
    static final Duration NEVER = Duration.ofHours(1);
    static final DmarcReportStore.Limits ROOMY = new DmarcReportStore.Limits(20_000, 100);

    @TempDir
    Path dir;
    MailStore store;

    @BeforeEach
    void open() {
        store = SqlMailStore.openSqlite(dir.resolve("data"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A failing message From {@code domain}, whose policy asks for reports. */
    private static Evaluation failing(String domain) {
        var parsed = (DmarcRecord.Valid) DmarcRecord.parse("v=DMARC1; p=reject; rua=mailto:dmarc@" + domain);
        var result = new DmarcResult(DmarcResult.Result.FAIL, Disposition.REJECT, domain, Optional.of(parsed.record()), domain,
                "no aligned DKIM or SPF pass", false, false, false);
        return new Evaluation(result, List.of(result));
    }

    private static AggregateReports.MessageFacts from(String ip) throws Exception {
        var spf = new SpfInput(SpfInput.Result.PASS, "bulk.example.net", SpfInput.Scope.MFROM);
        return new AggregateReports.MessageFacts(InetAddress.getByName(ip), "bulk.example.net", "letterbox.test", spf,
                List.of(), DAY.plusSeconds(60));
    }

    /** Messages counted in the store per source address, over the reports of {@code domain}. */
    private Map<String, Long> stored(String domain) {
        DmarcReportStore reports = store.dmarcReports();
        return reports.due(NEXT_DAY, 10).stream()
                .filter(r -> r.policy().domain().equals(domain))
                .flatMap(r -> reports.rows(r.id(), 100_000).stream())
                .collect(Collectors.groupingBy(c -> c.row().sourceIp(), Collectors.summingLong(DmarcReportStore.CountedRow::count)));
    }

    @Test
    void countsWaitInMemoryAndAddUpOverSeveralWrites() throws Exception {
        try (var counter = new AggregateReports(store.dmarcReports(), ROOMY, NEVER)) {
            for (int i = 0; i < 7; i++) counter.record(failing("example.com"), from("192.0.2.1"));
            counter.record(failing("example.com"), from("192.0.2.2"));
            counter.record(failing("other.example"), from("192.0.2.1"));
            assertTrue(stored("example.com").isEmpty(), "nothing is written per message");

            counter.flush().join();
            assertEquals(Map.of("192.0.2.1", 7L, "192.0.2.2", 1L), stored("example.com"));
            assertEquals(Map.of("192.0.2.1", 1L), stored("other.example"));

            for (int i = 0; i < 3; i++) counter.record(failing("example.com"), from("192.0.2.1"));
            counter.record(failing("example.com"), from("192.0.2.3"));
            counter.flush().join();
            assertEquals(Map.of("192.0.2.1", 10L, "192.0.2.2", 1L, "192.0.2.3", 1L), stored("example.com"),
                    "a later write adds to the rows already there");
            assertEquals(1, store.dmarcReports().due(NEXT_DAY, 10).stream()
                    .filter(r -> r.policy().domain().equals("example.com")).count(), "one report per domain and period");
        }
    }

    @Test
    void closingWritesWhatIsLeftAndLaterMessagesAreNotCounted() throws Exception {
        var counter = new AggregateReports(store.dmarcReports(), ROOMY, NEVER);
        for (int i = 0; i < 4; i++) counter.record(failing("example.com"), from("2001:db8::25"));
        counter.close();
        assertEquals(Map.of("2001:db8:0:0:0:0:0:25", 4L), stored("example.com"));

        counter.record(failing("example.com"), from("2001:db8::25"));
        counter.flush().join();
        assertEquals(Map.of("2001:db8:0:0:0:0:0:25", 4L), stored("example.com"), "after close nothing is counted");
    }

    @Test
    void theTimerWritesTheCounts() throws Exception {
        try (var counter = new AggregateReports(store.dmarcReports(), ROOMY, Duration.ofMillis(50))) {
            counter.record(failing("example.com"), from("192.0.2.1"));
            counter.record(failing("example.com"), from("192.0.2.1"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (stored("example.com").isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(Map.of("192.0.2.1", 2L), stored("example.com"));
        }
    }

    @Test
    void aFloodOfDistinctRowsIsWrittenWithoutWaitingForTheTimer() throws Exception {
        try (var counter = new AggregateReports(store.dmarcReports(), ROOMY, NEVER)) {
            int n = AggregateReports.MAX_PENDING_ROWS;
            for (int i = 0; i < n; i++) {
                counter.record(failing("example.com"), from("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255)));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (stored("example.com").size() < n && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(n, stored("example.com").size(), "the full buffer was written");
            assertEquals(n, stored("example.com").values().stream().mapToLong(Long::longValue).sum());
            assertEquals(1, store.dmarcReports().due(NEXT_DAY, 10).size(), "one report, written in several parts");
        }
    }
}
