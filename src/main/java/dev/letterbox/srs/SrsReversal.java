package dev.letterbox.srs;

/** What an address handed to {@link Srs#reverse} turned out to be. */
public sealed interface SrsReversal {
    /** Not an SRS address at our SRS domain: an ordinary address. */
    record NotSrs() implements SrsReversal {}

    /**
     * Ours, signed and in date: mail for it goes to {@code original} (the sender we rewrote, or for
     * SRS1 the SRS0 address of the first forwarder, which checks its own signature).
     */
    record Valid(String original) implements SrsReversal {}

    /** Looks like ours, but its hash is not one we made: refuse it (nobody may use us to mail third parties). */
    record Forged() implements SrsReversal {}

    /** Ours, but older than the maximum age: the mail it answers is long gone. */
    record Expired(int ageDays) implements SrsReversal {}

    /** Starts like an SRS address of ours but is not one (missing parts, a bad timestamp). */
    record Malformed(String why) implements SrsReversal {}
}
