package dev.letterbox.store;

import static dev.letterbox.store.StoreFixture.awaitBlobGone;
import static dev.letterbox.store.StoreFixture.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.QueuedMessage.NewRecipient;
import dev.letterbox.store.QueuedMessage.State;
import dev.letterbox.store.QueuedMessage.Transition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The outbound queue's contract: what is due when, each outcome one write, reports marked in the
 * same write that queues them, and a message leaving the queue (with its blob) exactly when nothing
 * is left to do for it.
 */
public interface QueueContract extends StoreFixture {

    private static QueuedMessage.Envelope envelope(MailStore store, String sender, String text) {
        NewMessage m = message(store, text);
        return new QueuedMessage.Envelope(sender, m.blob(), m.size(), Instant.parse("2026-11-22T10:00:00Z"),
                QueuedMessage.Body.SEVEN_BIT, false, Optional.empty(), Optional.empty(), OptionalLong.empty());
    }

    private static NewRecipient to(String address) {
        return NewRecipient.pending(address, Optional.empty(), Optional.empty());
    }

    private static QueuedMessage.Recipient recipient(MailStore store, long id, int index) {
        return store.queue().message(id).orElseThrow().recipients().get(index);
    }

    @Test
    default void dueMessagesAreThoseWithAnAttemptDueOrAReportOwed() {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            long a = q.enqueue(envelope(store, "s@example.com", "a"), List.of(to("x@remote.test"), to("y@remote.test")));
            long b = q.enqueue(envelope(store, "s@example.com", "b"), List.of(to("z@remote.test")));
            Instant now = Instant.now().plusSeconds(1);
            assertEquals(List.of(a, b), q.due(now, 10));
            assertEquals(List.of(a), q.due(now, 1));

            Instant later = now.plusSeconds(3600);
            var z = recipient(store, b, 0);
            assertFalse(q.record(b, List.of(new Transition.Deferred(z.id(), later, "451 4.4.2 refused", Optional.of("mx.remote.test")))));
            assertEquals(List.of(a), q.due(now, 10), "b waits for its next attempt");
            assertEquals(List.of(a, b), q.due(later, 10));
            z = recipient(store, b, 0);
            assertEquals(State.DEFERRED, z.state());
            assertEquals(1, z.attempts());
            assertEquals(later.toEpochMilli(), z.nextAttempt().toEpochMilli());
            assertEquals(Optional.of("451 4.4.2 refused"), z.lastError());
            assertEquals(Optional.of("mx.remote.test"), z.remoteMta());

            // one of a's recipients fails and owes a report: a stays due for it, though nothing waits for an attempt there
            var x = recipient(store, a, 0);
            var y = recipient(store, a, 1);
            assertFalse(q.record(a, List.of(new Transition.Delivered(y.id(), Optional.of("mx.remote.test"), false),
                    new Transition.Failed(x.id(), "550 5.1.1 no such user", Optional.of("mx.remote.test"), true))));
            assertTrue(q.message(a).orElseThrow().recipients().stream().noneMatch(QueuedMessage.Recipient::isWaiting));
            assertEquals(List.of(a), q.due(now, 10));
            assertEquals(Optional.of(later.toEpochMilli()), q.nextAttempt().map(Instant::toEpochMilli), "b's attempt is next");
        }
    }

    @Test
    default void aReportIsQueuedInTheWriteThatMarksItAndTheMessageThenLeavesWithItsBlob() {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            var original = envelope(store, "s@example.com", "original");
            long a = q.enqueue(original, List.of(to("x@remote.test")));
            var x = recipient(store, a, 0);
            assertFalse(q.record(a, List.of(new Transition.Failed(x.id(), "550 5.1.1 no such user", Optional.empty(), true))));
            assertTrue(store.blobs().exists(original.blob()));

            long report = q.enqueueReport(envelope(store, "", "report"), List.of(to("s@example.com")), a, List.of(x.id()), List.of());
            assertTrue(q.message(a).isEmpty(), "reported and final: gone");
            awaitBlobGone(store, original.blob());
            QueuedMessage r = q.message(report).orElseThrow();
            assertEquals("", r.envelope().sender());
            assertEquals(List.of(report), q.due(Instant.now().plusSeconds(1), 10));
            // a late outcome for a recipient already final changes nothing
            assertFalse(q.record(a, List.of(new Transition.Delivered(x.id(), Optional.empty(), false))));
        }
    }

    @Test
    default void delayWarningsAreMarkedAndWaitingRecipientsStay() {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            long a = q.enqueue(envelope(store, "s@example.com", "slow"), List.of(to("x@remote.test")));
            var x = recipient(store, a, 0);
            q.record(a, List.of(new Transition.Deferred(x.id(), Instant.now().plusSeconds(60), "451 4.3.2 busy", Optional.empty())));
            q.enqueueReport(envelope(store, "", "warning"), List.of(to("s@example.com")), a, List.of(), List.of(x.id()));
            x = recipient(store, a, 0);
            assertTrue(x.delayWarned());
            assertFalse(x.reported());
            assertEquals(State.DEFERRED, x.state());
        }
    }

    @Test
    default void finalRecipientsWithoutAReportOwedLeaveAtOnce() {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            var e = envelope(store, "s@example.com", "quiet");
            long a = q.enqueue(e, List.of(to("x@remote.test"), to("y@remote.test")));
            var x = recipient(store, a, 0);
            var y = recipient(store, a, 1);
            assertFalse(q.record(a, List.of(new Transition.Delivered(x.id(), Optional.empty(), false))), "y still waits");
            assertTrue(q.record(a, List.of(new Transition.Failed(y.id(), "550 5.1.1 x", Optional.empty(), false))));
            assertTrue(q.message(a).isEmpty());
            awaitBlobGone(store, e.blob());

            // a failure queued by SMTP intake (over quota) owes its report until it is marked
            long b = q.enqueue(envelope(store, "s@example.com", "full"), List.of(new NewRecipient("full@example.com",
                    Optional.of(Set.of(QueuedMessage.Notify.FAILURE)), Optional.empty(), State.FAILED, Optional.of("552 5.2.2 full"))));
            assertEquals(List.of(b), q.due(Instant.now().plusSeconds(1), 10));
            assertTrue(q.markReported(b, List.of(recipient(store, b, 0).id())));
            assertTrue(q.message(b).isEmpty());
        }
    }

    @Test
    default void retryMakesWaitingRecipientsDueAndRemoveTakesAMessageAway() {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            var e = envelope(store, "s@example.com", "later");
            long a = q.enqueue(e, List.of(to("x@remote.test")));
            long b = q.enqueue(envelope(store, "s@example.com", "later too"), List.of(to("y@remote.test")));
            Instant tomorrow = Instant.now().plusSeconds(86_400);
            q.record(a, List.of(new Transition.Deferred(recipient(store, a, 0).id(), tomorrow, "451 4.4.2 x", Optional.empty())));
            q.record(b, List.of(new Transition.Deferred(recipient(store, b, 0).id(), tomorrow, "451 4.4.2 x", Optional.empty())));
            Instant now = Instant.now();
            assertTrue(q.due(now, 10).isEmpty());
            assertEquals(1, q.retry(OptionalLong.of(a), now));
            assertEquals(List.of(a), q.due(now, 10));
            assertEquals(2, q.retry(OptionalLong.empty(), now));
            assertEquals(List.of(a, b), q.due(now, 10));
            assertEquals(0, q.retry(OptionalLong.of(999_999), now));

            assertTrue(q.remove(a));
            assertFalse(q.remove(a));
            assertTrue(q.message(a).isEmpty());
            awaitBlobGone(store, e.blob());
            assertEquals(List.of(b), q.due(now, 10));
        }
    }
}
