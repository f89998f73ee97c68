package dev.letterbox.imap.server;

/**
 * What the client has turned on for this connection (RFC 5161 ENABLE, and RFC 7162 §3.1 for the
 * commands that enable CONDSTORE): never turned off again. Read and changed under the session's lock.
 */
final class Enabled {
    /** RFC 7162: MODSEQ in FETCH responses, HIGHESTMODSEQ, [MODIFIED]. */
    boolean condstore;
    /** RFC 7162 §3.2: VANISHED instead of EXPUNGE; implies {@link #condstore}. */
    boolean qresync;
    /** RFC 9051: no \Recent, ESEARCH answers; implies {@link #utf8}. */
    boolean rev2;
    /** RFC 6855 UTF8=ACCEPT: mailbox names and quoted strings in UTF-8. */
    boolean utf8;
}
