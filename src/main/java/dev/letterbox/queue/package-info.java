/**
 * The outbound queue at work: mail accepted for remote recipients (submission by our users, alias
 * forwards of received mail) and delivery reports wait here; {@link dev.letterbox.queue.QueueRunner}
 * delivers them with {@link dev.letterbox.relay}, retries on the {@link dev.letterbox.queue.RetrySchedule},
 * and reports back to senders; {@link dev.letterbox.queue.MailQueue} is the one way in for the SMTP
 * sessions, the CLI and the admin API.
 *
 * <p>Invariants: a message is queued with one durable store write before the SMTP 250 that accepts
 * it; its bytes are an immutable blob that stays while the message is queued. Every recipient has
 * its own state (pending, delivered, deferred, failed), attempt count, next attempt time and the
 * DSN parameters (RFC 3461) the sender gave. A recipient becomes "delivered" only after the next
 * hop's 2xx to the message data (or a committed local copy), and each attempt's outcomes are one
 * durable write, so a crash at any point re-sends rather than loses (at-least-once). A delivery
 * report is queued in the same write that marks what it reports: once, never again after a
 * restart. Mail from the null sender never causes a report, so reports cannot loop. Queued
 * recipients in our own domains are stored locally, never sent out.
 *
 * <p>Several nodes may share the queue (one database): a node attempts a message only under a
 * lease it claimed in the store, renews it while it works, and gives it back with its last outcome
 * write; outcomes written under a lease another node has since taken are refused. A dead node's
 * leases run out and its messages go to the others. Each message is attempted by one node at a
 * time; "delivered once" still rests on at-least-once underneath (see {@link dev.letterbox.queue.QueueRunner}).
 */
package dev.letterbox.queue;
