package dev.letterbox.managesieve;

/** A malformed command; the message is fit to send to the client in a NO response. */
public final class SieveSyntaxException extends Exception {
    public SieveSyntaxException(String message) {
        super(message);
    }
}
