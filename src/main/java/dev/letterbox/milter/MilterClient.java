package dev.letterbox.milter;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Objects;

/**
 * Asks one filter (rspamd's proxy worker, clamav-milter, OpenDKIM, ...) for its verdict on a message,
 * speaking the Sendmail/Postfix milter protocol version 6. Letterbox calls it once per message, after
 * the message has been received whole: the whole conversation, from connect to end of message,
 * happens in one {@link #check} call on the caller's thread, over a fresh connection.
 *
 * <p>Each blocking step (connect, a write, waiting for a reply) may take at most {@code timeout}; the
 * whole conversation at most {@code messageTimeout}, however often the filter says "in progress".
 * Instances are immutable and safe to share between threads.
 */
public final class MilterClient {
    private static final System.Logger LOG = System.getLogger("letterbox.milter");

    private final MilterAddress address;
    private final Duration timeout;
    private final Duration messageTimeout;

    /** A client for {@code address} (see {@link MilterAddress}); the message timeout is four times {@code timeout}. */
    public MilterClient(String address, Duration timeout) {
        this(MilterAddress.parse(address), timeout, timeout.multipliedBy(4));
    }

    public MilterClient(MilterAddress address, Duration timeout, Duration messageTimeout) {
        this.address = Objects.requireNonNull(address);
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("milter timeout must be positive");
        if (messageTimeout.compareTo(timeout) < 0) throw new IllegalArgumentException("milter message timeout is shorter than its timeout");
        this.timeout = timeout;
        this.messageTimeout = messageTimeout;
    }

    public MilterAddress address() {
        return address;
    }

    /**
     * The filter's verdict on {@code message} (the complete message as it will be stored: header
     * section, empty line, body). Whatever goes wrong on the filter's side ends in
     * {@link MilterVerdict.Failed}, never in an exception.
     *
     * @throws IOException only when {@code message} itself cannot be read
     */
    public MilterVerdict check(MilterEnvelope envelope, InputStream message) throws IOException {
        long deadline = System.nanoTime() + messageTimeout.toNanos();
        MessageStream source = new MessageStream(message);
        MilterVerdict verdict;
        try (MilterChannel channel = MilterChannel.connect(address, timeout.toNanos(), deadline)) {
            verdict = new MilterSession(channel, envelope).run(source);
        } catch (IOException e) {
            if (source.failure != null) throw source.failure;
            verdict = new MilterVerdict.Failed(describe(e));
        }
        log(envelope, verdict);
        return verdict;
    }

    private String describe(IOException e) {
        if (e instanceof ConnectException) return "cannot connect to " + address + ": " + e.getMessage();
        if (e instanceof MilterException) return e.getMessage();
        return "connection to " + address + " failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }

    private void log(MilterEnvelope envelope, MilterVerdict verdict) {
        String id = envelope.queueId() == null ? "" : envelope.queueId() + ": ";
        switch (verdict) {
            case MilterVerdict.Failed f -> LOG.log(System.Logger.Level.WARNING, "{0}milter {1} failed: {2}", id, address, f.reason());
            case MilterVerdict.Accept a when !a.changes().ignored().isEmpty() ->
                    LOG.log(System.Logger.Level.INFO, "{0}milter {1}: ignored {2}", id, address, a.changes().ignored());
            case MilterVerdict.Quarantine q when !q.changes().ignored().isEmpty() ->
                    LOG.log(System.Logger.Level.INFO, "{0}milter {1}: ignored {2}", id, address, q.changes().ignored());
            default -> { }
        }
    }

    /** The message stream, remembering its own read failures so they are not blamed on the filter. */
    private static final class MessageStream extends FilterInputStream {
        IOException failure;

        MessageStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }

    @Override
    public String toString() {
        return "milter " + address;
    }
}
