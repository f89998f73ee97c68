package dev.letterbox.imap;

/**
 * A command the parser cannot accept. Usually answered with a tagged BAD naming the problem; a few
 * well-formed but unacceptable arguments (an unknown CHARSET) carry NO and a response code instead.
 */
public final class ImapSyntaxException extends Exception {
    private final Status status;
    private final ResponseCode code;

    public ImapSyntaxException(String message) {
        this(Status.BAD, null, message);
    }

    public ImapSyntaxException(Status status, ResponseCode code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public Status status() {
        return status;
    }

    /** May be null. */
    public ResponseCode code() {
        return code;
    }
}
