/**
 * Final delivery into local mailboxes: the one path by which received mail (SMTP, the
 * {@code letterbox deliver} command, bounces) enters a user's INBOX.
 *
 * <p>Invariants: the message bytes are written once, as one durable blob, before any mailbox
 * refers to them; {@link dev.letterbox.delivery.LocalDelivery#deliver} returns success for a
 * recipient only after that recipient's copy is committed (fsynced). Over-quota is refused whole,
 * never half-written. Each delivered message is parsed once, from the committed blob, and its
 * {@link dev.letterbox.message.MessageStructure} is stored with it (null only if the blob could not be
 * read back; readers then parse on demand).
 */
package dev.letterbox.delivery;
