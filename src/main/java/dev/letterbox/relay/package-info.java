/**
 * One delivery attempt to another server, and the reports about it: routing by MX (RFC 5321 §5.1,
 * null MX of RFC 7505), the SMTP client session (EHLO, opportunistic or required STARTTLS, SIZE,
 * 8BITMIME, SMTPUTF8, BINARYMIME with CHUNKING, DSN pass-through of RFC 3461), the smarthost,
 * DKIM signatures on the way out, and the composition of delivery status notifications (RFC 3464).
 *
 * <p>Invariants: an attempt never throws for network or DNS trouble; it returns one
 * {@link dev.letterbox.relay.Outcome} per recipient, and "delivered" only for a recipient the
 * server accepted and whose message data it then accepted with a 2xx. Queued bytes are never
 * changed: DKIM fields are sent in front of them. A message that needs an extension the server
 * lacks (SMTPUTF8, 8BITMIME, a bigger SIZE) fails with a reason instead of being sent altered.
 * Passwords (smarthost) go only over verified TLS and are never logged. This package keeps no
 * state between attempts; scheduling and state live in {@link dev.letterbox.queue}.
 */
package dev.letterbox.relay;
