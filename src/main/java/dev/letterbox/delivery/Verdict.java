package dev.letterbox.delivery;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one check says about a message: what to do with it, why (for the SMTP reply and the log),
 * the header fields to put in front of it (complete fields, each ending in CRLF), changes a filter
 * asked for inside the header section, whether it proved the envelope sender (SPF pass for MAIL
 * FROM: only then does the sender get the delivery reports it asks for), how to seal the copy
 * that is forwarded to other servers, and what a virus scanner found (RFC 3685 virustest: 1 clean
 * to 5 infected; empty when no scanner looked at the message).
 */
public record Verdict(Action action, String enhancedCode, String text, List<String> fields, List<HeaderEdit> edits,
                      boolean senderVerified, Optional<ForwardSeal> seal, OptionalInt virusLevel) {
    /** Most severe last: when checks disagree the most severe wins. */
    public enum Action { ACCEPT, JUNK, DISCARD, TEMPFAIL, REJECT }

    public Verdict {
        fields = List.copyOf(fields);
        edits = List.copyOf(edits);
    }

    public static Verdict accept(List<String> fields) {
        return new Verdict(Action.ACCEPT, "2.0.0", "", fields, List.of(), false, Optional.empty(), OptionalInt.empty());
    }

    public static Verdict junk(String why, List<String> fields) {
        return new Verdict(Action.JUNK, "2.0.0", why, fields, List.of(), false, Optional.empty(), OptionalInt.empty());
    }

    public static Verdict discard(String why) {
        return new Verdict(Action.DISCARD, "2.0.0", why, List.of(), List.of(), false, Optional.empty(), OptionalInt.empty());
    }

    public static Verdict reject(String enhancedCode, String text) {
        return new Verdict(Action.REJECT, enhancedCode, text, List.of(), List.of(), false, Optional.empty(), OptionalInt.empty());
    }

    public static Verdict tempfail(String enhancedCode, String text) {
        return new Verdict(Action.TEMPFAIL, enhancedCode, text, List.of(), List.of(), false, Optional.empty(), OptionalInt.empty());
    }

    public Verdict withSenderVerified(boolean verified) {
        return new Verdict(action, enhancedCode, text, fields, edits, verified, seal, virusLevel);
    }

    public Verdict withEdits(List<HeaderEdit> more) {
        return new Verdict(action, enhancedCode, text, fields, more, senderVerified, seal, virusLevel);
    }

    public Verdict withSeal(ForwardSeal forwardSeal) {
        return new Verdict(action, enhancedCode, text, fields, edits, senderVerified, Optional.of(forwardSeal), virusLevel);
    }

    public Verdict withVirusLevel(OptionalInt level) {
        return new Verdict(action, enhancedCode, text, fields, edits, senderVerified, seal, level);
    }
}
