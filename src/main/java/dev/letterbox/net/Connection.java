package dev.letterbox.net;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * One client connection as a protocol session sees it: blocking reads and writes on the session's
 * own virtual thread, line-oriented input with a bound, and an in-place upgrade to TLS.
 *
 * <p>Not thread-safe, except {@link #close()}, which any thread may call to end a blocked read
 * (the idle sweeper and shutdown do).
 */
public interface Connection extends Closeable {
    /** Short random id naming this session in every log line. */
    String sessionId();

    /** The listener's name, e.g. "pop3" or "pop3s". */
    String listenerName();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    default boolean isLoopback() {
        return remoteAddress().getAddress().isLoopbackAddress();
    }

    boolean isTls();

    /** Protocol and cipher suite once TLS is up. */
    Optional<TlsInfo> tls();

    /**
     * Reads one line ending in LF and returns its bytes <em>including</em> the terminator (CRLF or a
     * bare LF, so callers that care, like SMTP DATA, can tell them apart). Returns null at end of
     * stream; a final line without LF is returned as it is. A line longer than {@code maxLength}
     * bytes (terminator included) is consumed up to its LF and reported by throwing
     * {@link LineTooLongException}, so the session can answer with an error and go on.
     */
    byte[] readLine(int maxLength) throws IOException;

    /** Raw input (literals, DATA/BDAT, compressed data): shares the buffer {@link #readLine} uses. */
    InputStream input();

    /** Buffered output: nothing reaches the client before {@link #flush()}. */
    OutputStream output();

    void flush() throws IOException;

    /** True when input is already buffered and a read would not block (pipelining detection). */
    boolean hasBufferedInput();

    /**
     * Upgrades to TLS in place (STARTTLS/STLS). The caller must have flushed its "go ahead" reply.
     * Any input that arrived before the handshake is discarded (RFC 3207 §4.2, the command-injection
     * class of attacks). Throws when TLS is already active or the handshake fails; after a failed
     * handshake the connection is closed.
     */
    void startTls() throws IOException;

    /** Starts raw DEFLATE (RFC 1951) both ways above TLS (IMAP COMPRESS=DEFLATE, RFC 4978). */
    void startCompression() throws IOException;

    /** The longest the connection may sit without receiving a byte before it is closed. */
    void setIdleTimeout(Duration timeout);

    /** Closes the connection; safe from any thread and more than once. */
    @Override
    void close();

    record TlsInfo(String protocol, String cipherSuite) {
        @Override
        public String toString() {
            return protocol + " " + cipherSuite;
        }
    }
}
