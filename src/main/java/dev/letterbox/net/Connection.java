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
 * <p>Threads: reading ({@link #readLine}, {@link #input()}, {@link #hasBufferedInput()}) and the
 * upgrades ({@link #startTls()}, {@link #startCompression()}) belong to the session thread. Writing
 * ({@link #output()}, {@link #flush()}) may also happen on another thread while the session thread
 * is blocked in a read — an IMAP IDLE notifier pushing "* 3 EXISTS" — each write and flush call is
 * atomic, and ordering several of them is the protocol's business. {@link #close()} may be called
 * from any thread and ends a blocked read (the idle sweeper and shutdown do).
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
     * The {@code tls-exporter} channel binding value of RFC 9266 (32 bytes exported with the label
     * "EXPORTER-Channel-Binding" and an empty context) once TLS is up; SCRAM-PLUS binds to it.
     */
    Optional<byte[]> tlsExporter();

    /** True when {@link #tlsExporter()} can answer: TLS is up and the runtime exports keying material (JDK 25+). */
    boolean canBindChannel();

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

    /**
     * Buffered output: nothing reaches the client before {@link #flush()}, except that a response
     * larger than the buffer (16 KiB) streams out as it is written. Closing the stream only flushes.
     */
    OutputStream output();

    void flush() throws IOException;

    /**
     * Says the reply just flushed invites a burst of data whose end the client may hold back: a
     * client that writes an IMAP literal and its closing CRLF separately (Python's imaplib does)
     * has Nagle's algorithm keep the CRLF until the literal is acknowledged, and a delayed ACK then
     * costs 40 ms per APPEND. This acknowledges the next segment at once (TCP_QUICKACK on Linux).
     */
    void expectDataAfterReply();

    /**
     * True when input is already buffered and a read would not block (pipelining detection). Counts
     * bytes the operating system has received too on a plaintext connection; under TLS only
     * decrypted bytes count.
     */
    boolean hasBufferedInput();

    /**
     * Upgrades to TLS in place (STARTTLS/STLS). The caller must have flushed its "go ahead" reply.
     * Any input that arrived before the handshake is discarded (RFC 3207 §4.2, the command-injection
     * class of attacks). Throws {@link IllegalStateException} when TLS is already active and an
     * {@link IOException} when the server has no certificate or the handshake fails; after a failed
     * handshake the connection is closed.
     */
    void startTls() throws IOException;

    /**
     * Starts raw DEFLATE (RFC 1951) both ways above TLS (IMAP COMPRESS=DEFLATE, RFC 4978). The caller
     * has written its OK; it is sent uncompressed. Bytes already read past the command are taken as
     * the client's first compressed bytes. Throws {@link IllegalStateException} when already active.
     */
    void startCompression() throws IOException;

    /**
     * The longest the connection may sit without a byte moving in either direction before it is
     * closed. Writes count as activity so a slow client downloading a large message is not cut off;
     * a write stuck on a client that stopped reading makes no progress and does not count. Null or
     * zero means no timeout. The listener's timeout applies until this is called.
     */
    void setIdleTimeout(Duration timeout);

    /**
     * The client has got past the door: it logged in (IMAP, POP3, SMTP AUTH) or, on port 25 where
     * nobody logs in, started a mail transaction. Until then the listener's login timeout runs from
     * the moment of connecting, however active the client is, and when every connection slot is
     * taken the oldest connection not yet past the door is closed to make room. Session thread.
     */
    void loggedIn();

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
