package dev.letterbox.imap.server;

import dev.letterbox.imap.ResponseCode;
import dev.letterbox.imap.Status;

/**
 * How a command ends: the tagged response the dispatcher writes after the selected mailbox's
 * pending updates. A handler that had to answer itself (STARTTLS, COMPRESS, IDLE) returns null.
 */
record Done(Status status, ResponseCode code, String text) {
    static Done ok(String text) {
        return new Done(Status.OK, null, text);
    }

    static Done ok(ResponseCode code, String text) {
        return new Done(Status.OK, code, text);
    }

    static Done no(String text) {
        return new Done(Status.NO, null, text);
    }

    static Done no(ResponseCode code, String text) {
        return new Done(Status.NO, code, text);
    }

    static Done bad(String text) {
        return new Done(Status.BAD, null, text);
    }
}
