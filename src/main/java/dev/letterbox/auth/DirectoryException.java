package dev.letterbox.auth;

/** A directory request refused for a reason the operator can fix; the message is one clear line. */
public class DirectoryException extends RuntimeException {
    public DirectoryException(String message) {
        super(message);
    }
}
