/**
 * The outbound queue: mail accepted for remote recipients (submission by our users, alias forwards
 * of received mail) waits here for the relay.
 *
 * <p>Invariants: a message is queued with one durable store write before the SMTP 250 that accepts
 * it; its bytes are an immutable blob that stays while the message is queued; every recipient has
 * its own state (pending, delivered, deferred, failed), attempt count and next attempt time, and the
 * DSN parameters (RFC 3461) the sender gave. Scheduling, delivery and DSNs belong to the relay.
 */
package dev.letterbox.queue;
