package dev.letterbox.net;

import java.io.IOException;

/** A line exceeded its bound; the rest of it was read and dropped, the connection is still usable. */
public class LineTooLongException extends IOException {
    private final int limit;

    public LineTooLongException(int limit) {
        super("line longer than " + limit + " bytes");
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}
