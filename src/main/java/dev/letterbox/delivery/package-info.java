/**
 * The one way mail reaches a mailbox or the outbound queue: {@link dev.letterbox.delivery.Pipeline}.
 * SMTP (port 25 and submission), {@code letterbox deliver} and the queue's hand-over of mail for our
 * own domains all resolve recipients with it and stream the message through an
 * {@link dev.letterbox.delivery.Intake}; each maps the one {@link dev.letterbox.delivery.Outcome} to
 * its own words (SMTP reply, sysexits code, queue outcome).
 *
 * <p>Invariants:
 * <ul>
 *   <li>The client's bytes are stored as sent. Letterbox only puts header fields in front of them
 *       (Return-Path for final delivery, Received, and the fields that depend on the whole message);
 *       on submission a missing Date and Message-ID are put in front of the header section.</li>
 *   <li>A message is parsed once, while it streams in; its structure is re-based behind the fields
 *       put in front and stored with each copy. Nothing is read back from the store to parse it.</li>
 *   <li>Durability: {@code Outcome.Delivered} only after every copy it reports is committed (fsynced)
 *       and everything queued is on disk. The spool a message waits in meanwhile promises nothing and
 *       is emptied at start.</li>
 *   <li>Over quota is refused whole, never half-written. A storage failure of any copy makes the
 *       whole message deferred and keeps nothing (copies already stored are taken back), except for
 *       mail from the queue, which retries per recipient.</li>
 *   <li>Forwarded copies (an address of ours passing mail on: aliases, account forwarding, bounces
 *       to our SRS addresses; later Sieve redirects, as {@link dev.letterbox.delivery.Recipients.Forward}s)
 *       leave with the sender {@link dev.letterbox.delivery.Forwarding#sender} gives and a
 *       Delivered-To field each, in a queue entry and blob of their own; a copy that has looped is
 *       not sent, and becomes a failure to report.</li>
 *   <li>Checks ({@link dev.letterbox.delivery.Check}) see the message as it streams in and give
 *       verdicts; the most severe wins. Their header fields go in front of the message, in their
 *       order; only a filter's explicit header changes touch the client's header section.</li>
 * </ul>
 */
package dev.letterbox.delivery;
