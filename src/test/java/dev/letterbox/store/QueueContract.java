package dev.letterbox.store;

import static dev.letterbox.store.StoreFixture.awaitBlobGone;
import static dev.letterbox.store.StoreFixture.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.letterbox.store.OutboundQueue.AfterWrite;
import dev.letterbox.store.QueuedMessage.Lease;
import dev.letterbox.store.QueuedMessage.NewRecipient;
import dev.letterbox.store.QueuedMessage.State;
import dev.letterbox.store.QueuedMessage.Transition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The outbound queue's contract: what is due when, each outcome one write, reports marked in the
 * same write that queues them, and a message leaving the queue (with its blob) exactly when nothing
 * is left to do for it. Leases: a due message goes to one claimer at a time, a lease that ran out
 * is claimable again, and a holder that lost its lease cannot write outcomes over the new holder's.
 */
public interface QueueContract extends StoreFixture {
    String A = "node-a", B = "node-b";
    Duration LEASE = Duration.ofMinutes(1);

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

    private static List<Long> claim(OutboundQueue q, String node, Instant now, int limit) {
        return q.claimDue(node, now, limit, LEASE).stream().map(Lease::messageId).toList();
    }

    /** The lease a message's holder has (as the holder got it from claimDue). */
    private static Lease held(OutboundQueue q, long id) {
        return q.message(id).orElseThrow().lease().orElseThrow();
    }

    @Test
    default void dueMessagesAreThoseWithAnAttemptDueOrAReportOwed() {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            long a = q.enqueue(envelope(store, "s@example.com", "a"), List.of(to("x@remote.test"), to("y@remote.test")));
            long b = q.enqueue(envelope(store, "s@example.com", "b"), List.of(to("z@remote.test")));
            Instant now = Instant.now().plusSeconds(1);
            assertTrue(q.message(a).orElseThrow().lease().isEmpty(), "nobody holds a new message");
            assertEquals(List.of(a), claim(q, A, now, 1), "lowest id first, at most the limit");
            assertEquals(new Lease(a, A, now.plus(LEASE).truncatedTo(ChronoUnit.MILLIS)), held(q, a));
            assertEquals(List.of(b), claim(q, A, now, 10), "a is held: only b is left");
            assertEquals(List.of(), claim(q, B, now, 10));

            Instant later = now.plusSeconds(3600);
            var z = recipient(store, b, 0);
            assertFalse(q.record(held(q, b), List.of(new Transition.Deferred(z.id(), later, "451 4.4.2 refused",
                    Optional.of("mx.remote.test"))), AfterWrite.RELEASE));
            assertTrue(q.message(b).orElseThrow().lease().isEmpty(), "the outcome gave the lease back");
            assertEquals(List.of(), claim(q, B, now, 10), "b waits for its next attempt, a is held");
            q.release(List.of(held(q, a)));
            assertEquals(List.of(a, b), claim(q, B, later, 10));
            z = recipient(store, b, 0);
            assertEquals(State.DEFERRED, z.state());
            assertEquals(1, z.attempts());
            assertEquals(later.toEpochMilli(), z.nextAttempt().toEpochMilli());
            assertEquals(Optional.of("451 4.4.2 refused"), z.lastError());
            assertEquals(Optional.of("mx.remote.test"), z.remoteMta());

            // one of a's recipients fails and owes a report: a stays due for it, though nothing waits for an attempt there
            var x = recipient(store, a, 0);
            var y = recipient(store, a, 1);
            assertFalse(q.record(held(q, a), List.of(new Transition.Delivered(y.id(), Optional.of("mx.remote.test"), false),
                    new Transition.Failed(x.id(), "550 5.1.1 no such user", Optional.of("mx.remote.test"), true)), AfterWrite.RELEASE));
            q.release(List.of(held(q, b)));
            assertTrue(q.message(a).orElseThrow().recipients().stream().noneMatch(QueuedMessage.Recipient::isWaiting));
            assertEquals(List.of(a), claim(q, A, now, 10));
            assertEquals(Optional.of(later.toEpochMilli()), q.nextAttempt().map(Instant::toEpochMilli), "b's attempt is next");
        }
    }

    @Test
    default void aReportIsQueuedInTheWriteThatMarksItAndTheMessageThenLeavesWithItsBlob() {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            var original = envelope(store, "s@example.com", "original");
            long a = q.enqueue(original, List.of(to("x@remote.test")));
            Lease lease = q.claimDue(A, Instant.now().plusSeconds(1), 10, LEASE).getFirst();
            var x = recipient(store, a, 0);
            assertFalse(q.record(lease, List.of(new Transition.Failed(x.id(), "550 5.1.1 no such user", Optional.empty(), true)),
                    AfterWrite.KEEP));
            assertEquals(A, held(q, a).owner(), "kept for the report");
            assertTrue(store.blobs().exists(original.blob()));

            long report = q.enqueueReport(envelope(store, "", "report"), List.of(to("s@example.com")), lease, List.of(x.id()),
                    List.of(), AfterWrite.RELEASE);
            assertTrue(q.message(a).isEmpty(), "reported and final: gone");
            awaitBlobGone(store, original.blob());
            QueuedMessage r = q.message(report).orElseThrow();
            assertEquals("", r.envelope().sender());
            assertEquals(List.of(report), claim(q, A, Instant.now().plusSeconds(1), 10));
            // a late outcome for a message that left the queue changes nothing (and is no lost lease)
            assertFalse(q.record(lease, List.of(new Transition.Delivered(x.id(), Optional.empty(), false)), AfterWrite.RELEASE));
        }
    }

    @Test
    default void delayWarningsAreMarkedAndWaitingRecipientsStay() {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            long a = q.enqueue(envelope(store, "s@example.com", "slow"), List.of(to("x@remote.test")));
            Lease lease = q.claimDue(A, Instant.now().plusSeconds(1), 10, LEASE).getFirst();
            var x = recipient(store, a, 0);
            q.enqueueReport(envelope(store, "", "warning"), List.of(to("s@example.com")), lease, List.of(), List.of(x.id()),
                    AfterWrite.KEEP);
            q.record(lease, List.of(new Transition.Deferred(x.id(), Instant.now().plusSeconds(60), "451 4.3.2 busy", Optional.empty())),
                    AfterWrite.RELEASE);
            x = recipient(store, a, 0);
            assertTrue(x.delayWarned());
            assertFalse(x.reported());
            assertEquals(State.DEFERRED, x.state());
            assertTrue(q.message(a).orElseThrow().lease().isEmpty());
        }
    }

    @Test
    default void finalRecipientsWithoutAReportOwedLeaveAtOnce() {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            var e = envelope(store, "s@example.com", "quiet");
            long a = q.enqueue(e, List.of(to("x@remote.test"), to("y@remote.test")));
            Lease lease = q.claimDue(A, Instant.now().plusSeconds(1), 10, LEASE).getFirst();
            var x = recipient(store, a, 0);
            var y = recipient(store, a, 1);
            assertFalse(q.record(lease, List.of(new Transition.Delivered(x.id(), Optional.empty(), false)), AfterWrite.KEEP),
                    "y still waits");
            assertTrue(q.record(lease, List.of(new Transition.Failed(y.id(), "550 5.1.1 x", Optional.empty(), false)),
                    AfterWrite.RELEASE));
            assertTrue(q.message(a).isEmpty());
            awaitBlobGone(store, e.blob());

            // a failure queued by SMTP intake (over quota) owes its report until it is marked
            long b = q.enqueue(envelope(store, "s@example.com", "full"), List.of(new NewRecipient("full@example.com",
                    Optional.of(Set.of(QueuedMessage.Notify.FAILURE)), Optional.empty(), State.FAILED, Optional.of("552 5.2.2 full"))));
            assertEquals(List.of(b), claim(q, A, Instant.now().plusSeconds(1), 10));
            assertTrue(q.markReported(held(q, b), List.of(recipient(store, b, 0).id()), AfterWrite.RELEASE));
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
            assertEquals(List.of(a, b), claim(q, A, Instant.now().plusSeconds(1), 10));
            q.record(held(q, a), List.of(new Transition.Deferred(recipient(store, a, 0).id(), tomorrow, "451 4.4.2 x", Optional.empty())),
                    AfterWrite.RELEASE);
            q.record(held(q, b), List.of(new Transition.Deferred(recipient(store, b, 0).id(), tomorrow, "451 4.4.2 x", Optional.empty())),
                    AfterWrite.RELEASE);
            Instant now = Instant.now();
            assertTrue(claim(q, A, now, 10).isEmpty());
            assertEquals(1, q.retry(OptionalLong.of(a), now));
            assertEquals(List.of(a), claim(q, A, now, 10));
            q.release(List.of(held(q, a)));
            assertEquals(2, q.retry(OptionalLong.empty(), now));
            assertEquals(List.of(a, b), claim(q, A, now, 10));
            assertEquals(0, q.retry(OptionalLong.of(999_999), now));

            assertTrue(q.remove(a), "an operator's delete needs no lease");
            assertFalse(q.remove(a));
            assertTrue(q.message(a).isEmpty());
            awaitBlobGone(store, e.blob());
            q.release(List.of(held(q, b)));
            assertEquals(List.of(b), claim(q, A, now, 10));
        }
    }

    @Test
    default void claimersAtOnceNeverGetTheSameMessage() throws Exception {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            List<Long> all = new ArrayList<>();
            for (int i = 0; i < 60; i++) all.add(q.enqueue(envelope(store, "s@example.com", "m" + i), List.of(to("x@remote.test"))));
            Instant now = Instant.now().plusSeconds(1);
            CountDownLatch go = new CountDownLatch(1);
            List<Callable<List<Long>>> claimers = new ArrayList<>();
            for (String node : List.of(A, B, "node-c", "node-d")) {
                claimers.add(() -> {
                    go.await();
                    List<Long> mine = new ArrayList<>();
                    for (List<Long> got; !(got = claim(q, node, now, 4)).isEmpty(); ) mine.addAll(got);
                    return mine;
                });
            }
            List<Long> claimed = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<List<Long>>> results = claimers.stream().map(pool::submit).toList();
                go.countDown();
                for (Future<List<Long>> f : results) claimed.addAll(f.get());
            }
            assertEquals(all.size(), claimed.size(), "no message claimed twice: " + claimed);
            assertEquals(new HashSet<>(all), new HashSet<>(claimed), "every due message claimed");
        }
    }

    @Test
    default void aLeaseThatRanOutIsClaimableAgainAndRenewingKeepsItOff() {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            long a = q.enqueue(envelope(store, "s@example.com", "a"), List.of(to("x@remote.test")));
            long b = q.enqueue(envelope(store, "s@example.com", "b"), List.of(to("y@remote.test")));
            Instant t0 = Instant.now().plusSeconds(1);
            assertEquals(List.of(a, b), claim(q, A, t0, 10));
            assertEquals(List.of(), claim(q, B, t0.plus(LEASE).minusMillis(1), 10), "held until the lease's end");
            assertEquals(Set.of(a), q.renew(A, List.of(a), t0.plus(LEASE.multipliedBy(2))), "A renews a, not b");
            assertEquals(List.of(b), claim(q, B, t0.plus(LEASE), 10), "A's lease on b ran out: B takes it");
            assertEquals(B, held(q, b).owner());
            assertEquals(Set.of(), q.renew(A, List.of(b), t0.plus(LEASE.multipliedBy(3))), "b is B's now");
            assertEquals(List.of(a, b), claim(q, B, t0.plus(LEASE.multipliedBy(2)), 10), "the renewed lease ran out too, and B's own");
            assertEquals(2, q.releaseAll(B), "a node restarting takes its own claims back");
            assertTrue(q.message(a).orElseThrow().lease().isEmpty());
            assertEquals(0, q.releaseAll(A));
        }
    }

    @Test
    default void aHolderThatLostItsLeaseCannotWriteOutcomes() {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            long a = q.enqueue(envelope(store, "s@example.com", "a"), List.of(to("x@remote.test"), to("y@remote.test")));
            var x = recipient(store, a, 0);
            var y = recipient(store, a, 1);
            Instant t0 = Instant.now().plusSeconds(1);
            Lease stale = q.claimDue(A, t0, 10, LEASE).getFirst();
            Lease fresh = q.claimDue(B, t0.plus(LEASE), 10, LEASE).getFirst(); // A stalled past its lease

            long xId = x.id();
            assertThrows(LeaseLostException.class, () -> q.record(stale, List.of(
                    new Transition.Failed(xId, "550 5.1.1 stale", Optional.empty(), true)), AfterWrite.RELEASE));
            assertThrows(LeaseLostException.class, () -> q.markReported(stale, List.of(xId), AfterWrite.RELEASE));
            int queued = q.list(0, 100).size();
            assertThrows(LeaseLostException.class, () -> q.enqueueReport(envelope(store, "", "stale report"),
                    List.of(to("s@example.com")), stale, List.of(), List.of(xId), AfterWrite.KEEP));
            assertEquals(queued, q.list(0, 100).size(), "no report queued");
            x = recipient(store, a, 0);
            assertEquals(State.PENDING, x.state(), "nothing of the stale writes applied");
            assertEquals(0, x.attempts());
            assertFalse(x.delayWarned());
            q.release(List.of(stale));
            assertEquals(B, held(q, a).owner(), "and the lease is still the new holder's, whom no stale release frees");

            assertFalse(q.record(fresh, List.of(new Transition.Delivered(x.id(), Optional.empty(), false)), AfterWrite.KEEP));
            assertTrue(q.record(fresh, List.of(new Transition.Delivered(y.id(), Optional.empty(), false)), AfterWrite.RELEASE));
            assertTrue(q.message(a).isEmpty());
        }
    }

    @Test
    default void aLeaseThatRanOutButNobodyTookStillRecords() throws InterruptedException {
        try (MailStore store = newStore()) {
            OutboundQueue q = store.queue();
            long a = q.enqueue(envelope(store, "s@example.com", "a"), List.of(to("x@remote.test")));
            Lease lease = q.claimDue(A, Instant.now(), 10, Duration.ofMillis(1)).getFirst();
            Thread.sleep(5);
            assertTrue(lease.until().isBefore(Instant.now()));
            // the attempt is the only one there was: its outcome is the truth
            assertTrue(q.record(lease, List.of(new Transition.Delivered(recipient(store, a, 0).id(), Optional.empty(), false)),
                    AfterWrite.RELEASE));
            assertTrue(q.message(a).isEmpty());
        }
    }
}
