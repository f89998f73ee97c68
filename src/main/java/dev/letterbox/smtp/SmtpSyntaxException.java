package dev.letterbox.smtp;

/** A command line that cannot be accepted as written; {@link #reply()} is what to answer. */
public final class SmtpSyntaxException extends Exception {
    private final transient SmtpReply reply;

    public SmtpSyntaxException(SmtpReply reply) {
        super(reply.toString());
        this.reply = reply;
    }

    /** 501 5.5.4: the arguments are wrong (RFC 5321 §4.2.2, RFC 3463 "invalid command arguments"). */
    static SmtpSyntaxException arguments(String text) {
        return new SmtpSyntaxException(SmtpReply.of(501, "5.5.4", text));
    }

    /** 501 5.1.3 / 5.1.7: a path that is not a valid mailbox (RFC 3463 §3.2). */
    static SmtpSyntaxException badAddress(boolean sender, String text) {
        return new SmtpSyntaxException(SmtpReply.of(501, sender ? "5.1.7" : "5.1.3", text));
    }

    public SmtpReply reply() {
        return reply;
    }
}
