package dev.letterbox.pop3;

/** A malformed command line; the message is what follows "-ERR " in the reply. */
public class Pop3SyntaxException extends Exception {
    public Pop3SyntaxException(String message) {
        super(message);
    }
}
