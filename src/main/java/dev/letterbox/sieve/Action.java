package dev.letterbox.sieve;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What a run asks the caller to do. The interpreter performs none of it. */
public sealed interface Action {
    /** Store in the recipient's INBOX; {@code implicit} when no action cancelled the implicit keep. */
    record Keep(List<String> flags, boolean implicit) implements Action {}

    /** Store in {@code mailbox} (UTF-8 name), creating it first if {@code create} (RFC 5490). */
    record FileInto(String mailbox, List<String> flags, boolean create, boolean copy) implements Action {}

    /** Forward to {@code address}; {@code copy} (RFC 3894) did not cancel the implicit keep. */
    record Redirect(String address, boolean copy) implements Action {}

    /** Nothing to do: the script discarded the message (kept for logging). */
    record Discard() implements Action {}

    /** Refuse the message: {@code extended} is ereject (RFC 5429: prefer an SMTP-level refusal). */
    record Reject(String reason, boolean extended) implements Action {}

    /**
     * RFC 5230/6131 vacation, all parameters resolved. {@code period} is :days or :seconds (zero
     * means reply every time); {@code subject} and {@code from} are empty when the script gave none;
     * {@code handle} is the script's or one derived from the reason, subject, from and mime flag.
     * The caller applies RFC 3834 (no reply to lists, bulk, auto-submitted or null senders) and
     * remembers who was answered.
     */
    record Vacation(String reason, boolean mime, Duration period, Optional<String> subject, Optional<String> from,
            List<String> addresses, String handle) implements Action {}
}
