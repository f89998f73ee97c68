package dev.letterbox.store;

import static dev.letterbox.store.StoreFixture.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.DmarcReportStore.AuthResult;
import dev.letterbox.store.DmarcReportStore.CountedRow;
import dev.letterbox.store.DmarcReportStore.Limits;
import dev.letterbox.store.DmarcReportStore.PublishedPolicy;
import dev.letterbox.store.DmarcReportStore.Report;
import dev.letterbox.store.DmarcReportStore.Row;
import dev.letterbox.store.DmarcReportStore.Tally;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The DMARC report tallies' contract: alike messages share a row and count, reports come due when
 * their period ends, the limits hold, and queueing a report marks it sent in the same write.
 */
public interface DmarcReportContract extends StoreFixture {
    Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
    Instant NEXT_DAY = Instant.parse("2026-11-21T00:00:00Z");
    Limits ROOMY = new Limits(100, 100);

    private static PublishedPolicy policy(String domain, String p) {
        return new PublishedPolicy(domain, p, p, 100, "r", "s", "0", List.of("mailto:dmarc@" + domain, "mailto:x@other.example!10485760"));
    }

    private static Row row(String ip, String disposition) {
        return new Row(ip, "example.com", "bounce.example.com", "letterbox.test", disposition, false, true, List.of(),
                List.of(new AuthResult("example.com", "s1", "fail"), new AuthResult("example.net", "", "pass")),
                List.of(new AuthResult("bounce.example.com", "mfrom", "pass")));
    }

    private static boolean add(DmarcReportStore s, PublishedPolicy p, Instant begin, Row row, Limits limits) {
        return s.add(p, begin, begin.plusSeconds(86_400), row, limits).join();
    }

    private static QueuedMessage.Envelope envelope(MailStore store) {
        NewMessage m = message(store, "the report");
        return new QueuedMessage.Envelope("dmarc@letterbox.test", m.blob(), m.size(), Instant.now(), QueuedMessage.Body.SEVEN_BIT,
                false, Optional.empty(), Optional.empty(), OptionalLong.empty());
    }

    private static List<QueuedMessage.NewRecipient> to(String address) {
        return List.of(QueuedMessage.NewRecipient.pending(address, Optional.of(Set.of()), Optional.empty()));
    }

    @Test
    default void alikeMessagesShareARowAndEachReportComesDueWhenItsPeriodEnds() {
        try (MailStore store = newStore()) {
            DmarcReportStore s = store.dmarcReports();
            for (int i = 0; i < 3; i++) assertTrue(add(s, policy("example.com", "reject"), DAY, row("192.0.2.1", "reject"), ROOMY));
            assertTrue(add(s, policy("example.com", "reject"), DAY, row("192.0.2.2", "reject"), ROOMY));
            assertTrue(add(s, policy("example.com", "reject"), DAY, row("192.0.2.1", "none"), ROOMY));
            assertTrue(add(s, policy("other.example", "none"), DAY, row("192.0.2.1", "none"), ROOMY));
            assertTrue(add(s, policy("example.com", "reject"), NEXT_DAY, row("192.0.2.1", "reject"), ROOMY));

            assertTrue(s.due(NEXT_DAY.minusMillis(1), 10).isEmpty(), "nothing is due before its period ends");
            List<Report> due = s.due(NEXT_DAY, 10);
            assertEquals(2, due.size(), "one report per domain and day: " + due);
            Report example = due.stream().filter(r -> r.policy().domain().equals("example.com")).findFirst().orElseThrow();
            assertEquals(DAY, example.begin());
            assertEquals(NEXT_DAY, example.end());
            assertEquals(policy("example.com", "reject"), example.policy());
            assertTrue(example.token().matches("[a-z0-9]{8,}"), example.token());
            assertFalse(due.get(0).token().equals(due.get(1).token()));

            List<CountedRow> rows = s.rows(example.id(), 10);
            assertEquals(3, rows.size());
            assertEquals(new CountedRow(row("192.0.2.1", "reject"), 3), rows.get(0), "largest count first, read back whole");
            assertEquals(1, rows.get(1).count());
            assertEquals(3 + 1 + 1, rows.stream().mapToLong(CountedRow::count).sum());
            assertEquals(1, s.rows(example.id(), 1).size());
            assertEquals(3, s.due(NEXT_DAY.plusSeconds(86_400), 10).size());
        }
    }

    @Test
    default void thePolicyIsTheOneLastSeen() {
        try (MailStore store = newStore()) {
            DmarcReportStore s = store.dmarcReports();
            add(s, policy("example.com", "none"), DAY, row("192.0.2.1", "none"), ROOMY);
            add(s, new PublishedPolicy("example.com", "reject", "quarantine", 50, "s", "r", "1", List.of("mailto:new@example.com")),
                    DAY, row("192.0.2.1", "reject"), ROOMY);
            PublishedPolicy p = s.due(NEXT_DAY, 10).get(0).policy();
            assertEquals("reject", p.p());
            assertEquals("quarantine", p.sp());
            assertEquals(50, p.pct());
            assertEquals(List.of("mailto:new@example.com"), p.rua());
        }
    }

    @Test
    default void queueingAReportMarksItSentInTheSameWriteOnce() {
        try (MailStore store = newStore()) {
            DmarcReportStore s = store.dmarcReports();
            add(s, policy("example.com", "reject"), DAY, row("192.0.2.1", "reject"), ROOMY);
            Report report = s.due(NEXT_DAY, 10).get(0);
            OptionalLong queued = s.enqueue(report.id(), envelope(store), to("dmarc@example.com"));
            assertTrue(queued.isPresent());
            QueuedMessage m = store.queue().message(queued.getAsLong()).orElseThrow();
            assertEquals("dmarc@letterbox.test", m.envelope().sender());
            assertEquals("dmarc@example.com", m.recipients().get(0).address());

            assertTrue(s.due(NEXT_DAY, 10).isEmpty(), "sent reports are not due");
            var again = envelope(store);
            assertTrue(s.enqueue(report.id(), again, to("dmarc@example.com")).isEmpty(), "a report is queued once");
            assertEquals(1, store.queue().list(0, 10).size());
            assertFalse(add(s, policy("example.com", "reject"), DAY, row("192.0.2.9", "reject"), ROOMY),
                    "a sent report takes no more messages");
            assertThrows(IllegalArgumentException.class, () -> s.enqueue(report.id(), again, List.of()));
        }
    }

    @Test
    default void aReportNobodyMayGetIsMarkedSentWithoutAMessage() {
        try (MailStore store = newStore()) {
            DmarcReportStore s = store.dmarcReports();
            add(s, policy("example.com", "reject"), DAY, row("192.0.2.1", "reject"), ROOMY);
            long id = s.due(NEXT_DAY, 10).get(0).id();
            assertTrue(s.markSent(id));
            assertFalse(s.markSent(id));
            assertTrue(s.due(NEXT_DAY, 10).isEmpty());
            assertTrue(s.enqueue(id, envelope(store), to("dmarc@example.com")).isEmpty());
            assertTrue(store.queue().list(0, 10).isEmpty());
        }
    }

    @Test
    default void limitsCountWhatDoesNotFit() {
        try (MailStore store = newStore()) {
            DmarcReportStore s = store.dmarcReports();
            Limits small = new Limits(2, 2);
            assertTrue(add(s, policy("a.example", "none"), DAY, row("192.0.2.1", "none"), small));
            assertTrue(add(s, policy("a.example", "none"), DAY, row("192.0.2.2", "none"), small));
            assertTrue(add(s, policy("a.example", "none"), DAY, row("192.0.2.3", "none"), small), "counted, not itemised");
            assertTrue(add(s, policy("a.example", "none"), DAY, row("192.0.2.4", "none"), small));
            assertTrue(add(s, policy("a.example", "none"), DAY, row("192.0.2.1", "none"), small), "an existing row still counts");
            assertTrue(add(s, policy("b.example", "none"), DAY, row("192.0.2.1", "none"), small));
            assertFalse(add(s, policy("c.example", "none"), DAY, row("192.0.2.1", "none"), small), "a third open report");
            assertTrue(add(s, policy("b.example", "none"), DAY, row("192.0.2.2", "none"), small), "open reports still count");

            Report a = s.due(NEXT_DAY, 10).stream().filter(r -> r.policy().domain().equals("a.example")).findFirst().orElseThrow();
            assertEquals(2, a.unlisted());
            assertEquals(2, s.rows(a.id(), 10).size());
            assertEquals(3, s.rows(a.id(), 10).stream().mapToLong(CountedRow::count).sum());
            assertEquals(2, s.due(NEXT_DAY, 10).size());
            assertTrue(s.markSent(a.id()));
            assertTrue(add(s, policy("c.example", "none"), DAY, row("192.0.2.1", "none"), small), "a sent report frees its place");
        }
    }

    @Test
    default void tallyCountsAddUpAsIfAddedOneAtATime() {
        try (MailStore store = newStore()) {
            DmarcReportStore s = store.dmarcReports();
            Limits small = new Limits(2, 2);
            Tally a = new Tally(policy("a.example", "none"), DAY, NEXT_DAY, List.of(new CountedRow(row("192.0.2.1", "none"), 5),
                    new CountedRow(row("192.0.2.2", "none"), 2), new CountedRow(row("192.0.2.3", "none"), 4)));
            Tally b = new Tally(policy("b.example", "none"), DAY, NEXT_DAY, List.of(new CountedRow(row("192.0.2.1", "none"), 1)));
            Tally c = new Tally(policy("c.example", "none"), DAY, NEXT_DAY, List.of(new CountedRow(row("192.0.2.1", "none"), 9)));
            assertEquals(5 + 2 + 4 + 1, s.add(List.of(a, b, c), small).join(), "c.example would be a third open report");

            Tally more = new Tally(policy("a.example", "reject"), DAY, NEXT_DAY, List.of(new CountedRow(row("192.0.2.1", "none"), 3),
                    new CountedRow(row("192.0.2.4", "none"), 6)));
            assertEquals(9, s.add(List.of(more), small).join());
            Report report = s.due(NEXT_DAY, 10).stream().filter(r -> r.policy().domain().equals("a.example")).findFirst().orElseThrow();
            assertEquals("reject", report.policy().p(), "the policy last seen");
            assertEquals(4 + 6, report.unlisted(), "rows past the limit count as unlisted, with their counts");
            assertEquals(List.of(new CountedRow(row("192.0.2.1", "none"), 8), new CountedRow(row("192.0.2.2", "none"), 2)),
                    s.rows(report.id(), 10));

            assertTrue(s.markSent(report.id()));
            assertEquals(0, s.add(List.of(more), small).join(), "a sent report takes no more messages");
            assertThrows(IllegalArgumentException.class, () -> new Tally(policy("a.example", "none"), DAY, NEXT_DAY,
                    List.of(new CountedRow(row("192.0.2.1", "none"), 0))));
        }
    }

    @Test
    default void pruneRemovesReportsThatEndedLongAgo() {
        try (MailStore store = newStore()) {
            DmarcReportStore s = store.dmarcReports();
            add(s, policy("example.com", "reject"), DAY, row("192.0.2.1", "reject"), ROOMY);
            add(s, policy("example.com", "reject"), NEXT_DAY, row("192.0.2.1", "reject"), ROOMY);
            assertEquals(0, s.prune(NEXT_DAY));
            assertEquals(1, s.prune(NEXT_DAY.plusMillis(1)));
            List<Report> left = s.due(NEXT_DAY.plusSeconds(86_400), 10);
            assertEquals(List.of(NEXT_DAY), left.stream().map(Report::begin).toList());
            assertTrue(add(s, policy("example.com", "reject"), DAY, row("192.0.2.1", "reject"), ROOMY),
                    "a pruned period starts afresh (the caller prunes only periods long past)");
        }
    }

    @Test
    default void rowsWithWhitespaceInResultFieldsAreRefused() {
        try (MailStore store = newStore()) {
            Row bad = new Row("192.0.2.1", "example.com", "", "", "none", false, false, List.of(),
                    List.of(new AuthResult("exa mple.com", "s", "pass")), List.of());
            assertThrows(IllegalArgumentException.class,
                    () -> store.dmarcReports().add(policy("example.com", "none"), DAY, NEXT_DAY, bad, ROOMY));
        }
    }
}
