package dev.letterbox.net;

/**
 * Runs one protocol session on its own virtual thread. When it returns or throws, the connection
 * is closed and its slot released; I/O exceptions are an ordinary end of a session.
 */
@FunctionalInterface
public interface ConnectionHandler {
    void handle(Connection connection) throws Exception;

    /**
     * What to send a session that sits idle when the server shuts down, just before it is closed
     * (SMTP's "421 4.3.2 ...", IMAP's "* BYE ..."), CRLF included; null to just close (POP3 has no
     * unsolicited replies).
     */
    default byte[] goodbye() {
        return null;
    }
}
