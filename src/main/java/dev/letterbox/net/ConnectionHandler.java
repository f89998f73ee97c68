package dev.letterbox.net;

/**
 * Runs one protocol session on its own virtual thread. When it returns or throws, the connection
 * is closed and its slot released; I/O exceptions are an ordinary end of a session.
 */
@FunctionalInterface
public interface ConnectionHandler {
    void handle(Connection connection) throws Exception;
}
