package dev.letterbox.net;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * TLS on an {@link SSLEngine} over the blocking socket, one record at a time.
 *
 * <p>Why not {@code SSLSocket}: it grows its record buffers to about 40 KiB after one large record
 * and keeps them for the life of the connection. Here an idle connection holds no TLS buffer at all:
 * the reader waits on the 5-byte record header, then allocates exactly one record's ciphertext,
 * decrypts it straight into the caller's array when it surely fits (or into a record-sized array
 * otherwise) and lets both go. The write side allocates a packet buffer for a burst of output and
 * drops it at {@link #flush()}.
 *
 * <p>Reads run on the session thread without locks; wraps run under the connection's write lock.
 * When reading makes the engine want to send (handshake messages, a TLS 1.3 KeyUpdate answer, the
 * reply to close_notify) the reader takes the write lock for that, so records never interleave.
 */
final class TlsTransport implements Transport {
    private static final int HEADER_LENGTH = 5;
    /** TLS 1.2 allows 2^14 + 2048 bytes of ciphertext per record (RFC 5246 §6.2.3); 1.3 fewer. */
    private static final int MAX_RECORD_PAYLOAD = 16384 + 2048;

    private final SocketIo io;
    private final SSLEngine engine;
    private final ReentrantLock writeLock;

    /** Decrypted bytes the reader has not taken yet; null when there are none. Reader only. */
    private ByteBuffer plaintext;
    private boolean inboundDone;
    /** Ciphertext on its way out during a burst of writes; null between bursts. Write lock. */
    private ByteBuffer outgoing;

    TlsTransport(SocketIo io, SSLEngine engine, ReentrantLock writeLock) {
        this.io = io;
        this.engine = engine;
        this.writeLock = writeLock;
    }

    /**
     * What a handshake tells its connection. The CPU-heavy part of a handshake (key exchange,
     * signature) runs between {@link #beforeCompute} and {@link #afterCompute}; waiting for the
     * client's next record happens outside, so a client that sends nothing holds no compute permit.
     */
    interface HandshakeSteps {
        /** The client's first record (its ClientHello) has arrived whole. */
        void firstRecordArrived();

        /** About to process a record and answer it; may wait for a permit, or throw when none comes in time. */
        void beforeCompute() throws IOException;

        /** Done computing; about to wait for the client again (or finished). */
        void afterCompute();
    }

    /** Runs the server side of the handshake to completion on the calling (session) thread. */
    void handshake(HandshakeSteps steps) throws IOException {
        boolean computing = false;
        boolean firstRecord = true;
        writeLock.lock();
        try {
            engine.beginHandshake();
            HandshakeStatus status = engine.getHandshakeStatus();
            while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
                switch (status) {
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (computing) {
                            computing = false;
                            steps.afterCompute();
                        }
                        ByteBuffer record = readRecord();
                        if (record == null) {
                            throw new SSLHandshakeException("client closed the connection during the TLS handshake");
                        }
                        if (firstRecord) {
                            firstRecord = false;
                            steps.firstRecordArrived();
                        }
                        steps.beforeCompute();
                        computing = true;
                        unwrapRecord(record, null, 0, 0);
                        if (inboundDone) {
                            throw new SSLHandshakeException("client ended TLS during the handshake");
                        }
                    }
                    case NEED_WRAP -> sendHandshakeMessages();
                    case NEED_TASK -> runDelegatedTasks();
                    default -> throw new SSLException("unexpected handshake state " + status);
                }
                status = engine.getHandshakeStatus();
            }
        } catch (SSLException e) {
            sendPendingAlert();
            throw e;
        } finally {
            if (computing) steps.afterCompute();
            outgoing = null;
            writeLock.unlock();
        }
    }

    /** After a failed handshake the engine holds an alert saying why; the client deserves to see it. */
    private void sendPendingAlert() {
        try {
            engine.closeOutbound();
            sendHandshakeMessages();
        } catch (IOException | RuntimeException ignored) {
            // the client may be gone, and it was failing anyway
        }
    }

    SSLSession session() {
        return engine.getSession();
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        while (true) {
            if (plaintext != null) {
                int n = Math.min(len, plaintext.remaining());
                plaintext.get(dst, off, n);
                if (!plaintext.hasRemaining()) {
                    plaintext = null;
                }
                return n;
            }
            if (inboundDone) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            ByteBuffer record = readRecord();
            if (record == null) {
                inboundDone = true; // the peer closed without close_notify; line framing above copes
                return -1;
            }
            int direct = unwrapRecord(record, dst, off, len);
            if (direct > 0) {
                return direct;
            }
            // a record without application data (handshake, alert, KeyUpdate), or stashed: go round
        }
    }

    /**
     * Reads one whole record: first its header into a 5-byte buffer (all an idle connection holds),
     * then exactly its payload. Returns null at a clean end of stream before any byte of a record.
     */
    private ByteBuffer readRecord() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        while (header.hasRemaining()) {
            if (io.read(header) < 0) {
                if (header.position() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a TLS record header");
            }
        }
        int contentType = header.get(0) & 0xff;
        int majorVersion = header.get(1) & 0xff;
        int length = ((header.get(3) & 0xff) << 8) | (header.get(4) & 0xff);
        if (contentType < 20 || contentType > 24 || majorVersion != 3) {
            throw new SSLException("not a TLS record (plaintext sent to a TLS port?)");
        }
        if (length == 0 || length > MAX_RECORD_PAYLOAD) {
            throw new SSLException("invalid TLS record length " + length);
        }
        ByteBuffer record = ByteBuffer.allocate(HEADER_LENGTH + length);
        record.put(header.flip());
        while (record.hasRemaining()) {
            if (io.read(record) < 0) {
                throw new EOFException("connection closed inside a TLS record");
            }
        }
        return record.flip();
    }

    /**
     * Decrypts one record. Application data goes straight into {@code dst} when it surely fits (a
     * record's plaintext is never longer than its payload), else into {@link #plaintext}. Returns the
     * number of bytes placed in {@code dst}.
     */
    private int unwrapRecord(ByteBuffer record, byte[] dst, int off, int len) throws IOException {
        int payload = record.remaining() - HEADER_LENGTH;
        boolean direct = dst != null && len >= payload;
        ByteBuffer target = direct ? ByteBuffer.wrap(dst, off, len) : ByteBuffer.allocate(payload);
        // usually one call; during a handshake the engine may first want to send and consume nothing
        for (int attempt = 0; record.hasRemaining() && !inboundDone; attempt++) {
            if (attempt > 3) {
                throw new SSLException("TLS engine does not take a complete record");
            }
            SSLEngineResult result = engine.unwrap(record, target);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && target.position() == (direct ? off : 0)) {
                // the engine's estimate can exceed the payload for unusual ciphers; give it what it asks
                direct = false;
                target = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
                result = engine.unwrap(record, target);
            }
            switch (result.getStatus()) {
                case OK -> { }
                case CLOSED -> inboundDone = true;
                default -> throw new SSLException("TLS record not consumed: " + result.getStatus());
            }
            continueHandshake(result.getHandshakeStatus());
        }
        if (direct) {
            return target.position() - off;
        }
        if (target.position() > 0) {
            plaintext = target.flip();
        }
        return 0;
    }

    /** Handles what an engine call left pending: delegated tasks and records the engine wants sent. */
    private void continueHandshake(HandshakeStatus status) throws IOException {
        while (true) {
            switch (status) {
                case NEED_TASK -> runDelegatedTasks();
                case NEED_WRAP -> {
                    writeLock.lock();
                    try {
                        sendHandshakeMessages();
                        outgoing = null;
                    } finally {
                        writeLock.unlock();
                    }
                }
                default -> {
                    return;
                }
            }
            status = engine.getHandshakeStatus();
        }
    }

    /** Wraps and sends whatever the engine has queued (no application data). Write lock held. */
    private void sendHandshakeMessages() throws IOException {
        int idleRounds = 0;
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            SSLEngineResult result = wrapAndSend(ByteBuffer.allocate(0));
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                return;
            }
            if (result.bytesProduced() == 0 && ++idleRounds > 3) {
                throw new SSLException("TLS engine wants to send but produces nothing");
            }
            if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
            }
        }
    }

    private void runDelegatedTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    @Override
    public int buffered() {
        return plaintext == null ? 0 : plaintext.remaining();
    }

    @Override
    public int pending() {
        return buffered() + io.kernelAvailable();
    }

    @Override
    public void write(byte[] src, int off, int len) throws IOException {
        ByteBuffer data = ByteBuffer.wrap(src, off, len);
        int stalls = 0;
        while (data.hasRemaining()) {
            SSLEngineResult result = wrapAndSend(data);
            switch (result.getStatus()) {
                case OK -> { }
                case BUFFER_OVERFLOW -> outgoing = null; // the session's packet size grew: reallocate, retry
                case CLOSED -> throw new SSLException("TLS session already closed");
                default -> throw new SSLException("TLS wrap failed: " + result.getStatus());
            }
            HandshakeStatus status = result.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
            }
            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
                // The engine takes no data while it waits for the peer (a renegotiation in TLS 1.2).
                // Only the reader can feed it and the reader may be this thread: refuse, don't hang.
                if (status == HandshakeStatus.NEED_UNWRAP || ++stalls > 3) {
                    throw new SSLException("TLS renegotiation is not supported");
                }
            }
        }
    }

    /** One engine wrap into the packet buffer, then the ciphertext to the socket. Write lock held. */
    private SSLEngineResult wrapAndSend(ByteBuffer data) throws IOException {
        int packetSize = engine.getSession().getPacketBufferSize();
        if (outgoing == null || outgoing.capacity() < packetSize) {
            outgoing = ByteBuffer.allocate(packetSize);
        }
        outgoing.clear();
        SSLEngineResult result = engine.wrap(data, outgoing);
        outgoing.flip();
        io.writeFully(outgoing);
        return result;
    }

    @Override
    public int heldBufferBytes() {
        ByteBuffer in = plaintext;
        ByteBuffer out = outgoing;
        return (in == null ? 0 : in.capacity()) + (out == null ? 0 : out.capacity());
    }

    @Override
    public void flush() {
        // every wrap was sent at once; only the packet buffer remains to let go
        outgoing = null;
    }

    @Override
    public void closeOutbound() {
        try {
            engine.closeOutbound();
            sendHandshakeMessages();
        } catch (IOException | RuntimeException ignored) {
            // the peer may be gone already; close_notify is a courtesy
        } finally {
            outgoing = null;
        }
    }
}
