package dev.letterbox.imap;

/** The status of a response (RFC 3501 §7.1). */
public enum Status {
    OK, NO, BAD, PREAUTH, BYE
}
