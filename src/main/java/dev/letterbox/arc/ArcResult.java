package dev.letterbox.arc;

import java.util.Locale;

/**
 * The ARC chain validation status of a message (RFC 8617 §5.2), for Authentication-Results
 * ({@code arc=pass header.oldest-pass=N}) and for the cv= of the set we add when sealing.
 *
 * @param instances the highest instance number on the message (0: no ARC fields); the next
 *     seal gets one more
 * @param oldestPass for a passing chain: 0 when every ARC-Message-Signature still verifies,
 *     otherwise the lowest instance from which they all do (RFC 8617 §5.2 step 5); 0 otherwise
 * @param reason for people: what was checked or what broke
 */
public record ArcResult(Status status, int instances, int oldestPass, String reason) {

    /** The chain validation status words: the arc= result and the cv= value. */
    public enum Status {
        NONE, PASS, FAIL;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A message with no ARC sets. */
    public static ArcResult none() {
        return new ArcResult(Status.NONE, 0, 0, "no ARC sets");
    }

    static ArcResult fail(int instances, String reason) {
        return new ArcResult(Status.FAIL, instances, 0, reason);
    }
}
