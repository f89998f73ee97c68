package dev.letterbox.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One message in the outbound queue: its envelope, the blob holding its bytes (trace headers
 * included, no Return-Path), one row per recipient with that recipient's delivery state, and the
 * node's lease while one is working on it (a lease whose end has passed may still show).
 */
public record QueuedMessage(long id, Envelope envelope, List<Recipient> recipients, Optional<Lease> lease) {

    /**
     * A node's claim on a message, from {@link OutboundQueue#claimDue}: until {@code until} no other
     * node attempts the message. {@code owner} is the claiming node's id.
     */
    public record Lease(long messageId, String owner, Instant until) {}

    /**
     * What the SMTP transaction said about the message. {@code sender} is empty for the null
     * reverse-path {@code <>}; {@code accountId} names the submitting account (empty for mail that
     * came in on port 25 and is forwarded by an alias).
     */
    public record Envelope(String sender, BlobId blob, long size, Instant received, Body body, boolean smtputf8,
                           Optional<Ret> ret, Optional<String> envId, OptionalLong accountId) {}

    /**
     * One recipient. {@code notifyOn} is RFC 3461's NOTIFY (empty set = NEVER, absent = not given);
     * {@code orcpt} is {@code addr-type;address}. {@code remoteMta} names the server that gave the
     * last answer (absent for local delivery or when no server was reached). {@code reported}: the
     * delivery report (DSN) owed for a final state (delivered, failed) has been queued, or none was
     * wanted; a final recipient that is not yet reported still needs the relay. {@code delayWarned}:
     * a delay warning went out for it.
     */
    public record Recipient(long id, String address, Optional<Set<Notify>> notifyOn, Optional<String> orcpt,
                            State state, int attempts, Instant nextAttempt, Optional<String> lastError,
                            Optional<String> remoteMta, boolean reported, boolean delayWarned) {
        public boolean isFinal() {
            return state == State.DELIVERED || state == State.FAILED;
        }

        /** Waiting for a delivery attempt (now or later). */
        public boolean isWaiting() {
            return state == State.PENDING || state == State.DEFERRED;
        }
    }

    /**
     * What one delivery attempt did to one recipient, written with {@link OutboundQueue#record}.
     * Each counts as an attempt. {@code reportOwed}: a DSN must still be sent for this outcome (the
     * sender asked for one and nobody downstream will send it).
     */
    public sealed interface Transition {
        long recipientId();

        record Delivered(long recipientId, Optional<String> remoteMta, boolean reportOwed) implements Transition {}

        record Deferred(long recipientId, Instant nextAttempt, String error, Optional<String> remoteMta) implements Transition {}

        record Failed(long recipientId, String error, Optional<String> remoteMta, boolean reportOwed) implements Transition {}
    }

    /** A recipient to enqueue: {@code PENDING}, or {@code FAILED} with the reason (a DSN is owed). */
    public record NewRecipient(String address, Optional<Set<Notify>> notifyOn, Optional<String> orcpt,
                               State state, Optional<String> lastError) {
        public static NewRecipient pending(String address, Optional<Set<Notify>> notifyOn, Optional<String> orcpt) {
            return new NewRecipient(address, notifyOn, orcpt, State.PENDING, Optional.empty());
        }
    }

    /** The declared body type (RFC 6152 8BITMIME, RFC 3030 BINARYMIME); the relay must honour it. */
    public enum Body { SEVEN_BIT, EIGHT_BIT_MIME, BINARY_MIME }

    public enum Ret { FULL, HDRS }

    public enum Notify { SUCCESS, FAILURE, DELAY }

    public enum State { PENDING, DELIVERED, DEFERRED, FAILED }
}
