package dev.letterbox.milter;

import java.io.IOException;

/**
 * The filter broke the protocol (an unknown reply, a reply where none may come, a packet over the
 * size limit, malformed data) or did not answer in time. The message says which, for the log and for
 * {@link MilterVerdict.Failed}; it never contains message content.
 */
final class MilterException extends IOException {
    private static final long serialVersionUID = 1L;

    MilterException(String message) {
        super(message);
    }
}
