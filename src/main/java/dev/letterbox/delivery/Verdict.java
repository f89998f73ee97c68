package dev.letterbox.delivery;

import java.util.List;

/**
 * What one check says about a message: what to do with it, why (for the SMTP reply and the log),
 * the header fields to put in front of it (complete fields, each ending in CRLF), and whether it
 * proved the envelope sender (SPF pass for MAIL FROM: only then does the sender get the delivery
 * reports it asks for).
 */
public record Verdict(Action action, String enhancedCode, String text, List<String> fields, boolean senderVerified) {
    /** Most severe last: when checks disagree the most severe wins. */
    public enum Action { ACCEPT, JUNK, DISCARD, TEMPFAIL, REJECT }

    public Verdict {
        fields = List.copyOf(fields);
    }

    public static Verdict accept(List<String> fields) {
        return new Verdict(Action.ACCEPT, "2.0.0", "", fields, false);
    }

    public static Verdict junk(String why, List<String> fields) {
        return new Verdict(Action.JUNK, "2.0.0", why, fields, false);
    }

    public static Verdict reject(String enhancedCode, String text) {
        return new Verdict(Action.REJECT, enhancedCode, text, List.of(), false);
    }

    public static Verdict tempfail(String enhancedCode, String text) {
        return new Verdict(Action.TEMPFAIL, enhancedCode, text, List.of(), false);
    }

    public Verdict withSenderVerified(boolean verified) {
        return new Verdict(action, enhancedCode, text, fields, verified);
    }
}
