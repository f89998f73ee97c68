package dev.letterbox.store;

/**
 * The store could not do its job (I/O error, database failure). Protocols answer it with a
 * temporary failure (SMTP 4xx, IMAP NO [SERVERBUG]/[UNAVAILABLE], POP3 -ERR [SYS/TEMP]) and log it;
 * the client's data was not changed.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
