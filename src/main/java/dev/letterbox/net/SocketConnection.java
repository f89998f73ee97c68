package dev.letterbox.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSession;

/**
 * A {@link Connection} over a blocking {@link SocketChannel}, read by its session's virtual thread.
 *
 * <p>The read side ({@link InputBuffer}) belongs to the session thread. The write side
 * ({@link OutputBuffer}) and every transport write sit behind one {@link ReentrantLock}, so another
 * thread may write and flush while the session is blocked in a read. STARTTLS and COMPRESS run on
 * the session thread and swap the transport under that lock, so no writer sees a half-made switch.
 */
final class SocketConnection implements Connection {
    private static final System.Logger LOG = System.getLogger("letterbox.net");
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final String sessionId = newSessionId();
    private final String listenerName;
    /** The client; replaced once by the one a PROXY header names, before the session starts. */
    private volatile InetSocketAddress remote;
    private volatile InetSocketAddress local;
    /** The load balancer the connection came through, or null when it came straight from the client. */
    private volatile InetSocketAddress proxy;
    private final SocketIo io;
    private final HandshakeGate handshakes;
    private final IdleSweeper sweeper;
    private final NetEvents events;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final InputBuffer input;
    private final OutputBuffer output;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Sent when the server shuts the session down while it is quiet; see {@link ConnectionHandler#goodbye()}. */
    private volatile byte[] goodbye;
    private final long openedNanos = System.nanoTime();

    private volatile Transport transport;
    private volatile TlsInfo tlsInfo;
    private volatile SSLSession tlsSession;
    private boolean compressing;
    private volatile long idleTimeoutNanos;
    private volatile boolean handshaking;
    private volatile long handshakeDeadline;
    /** During a handshake: the client's first record has not arrived yet (the shorter deadline runs). */
    private volatile boolean awaitingHello;
    private volatile String closeReason;
    /** While reading the PROXY header: when a peer that has not sent it all is closed, on the nanoTime clock. */
    private volatile boolean awaitingProxyHeader;
    private volatile long proxyHeaderDeadline;
    private volatile Duration proxyHeaderTimeout;
    /** When a client that has not logged in is closed, on the nanoTime clock; {@link #NO_DEADLINE} once it has. */
    private volatile long loginDeadline;
    private volatile boolean loggedIn;
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * @param handshakes null when the server has no TLS configuration
     * @param sweeper told when this connection's deadline may have moved closer
     * @param events told of each TLS handshake's outcome
     */
    SocketConnection(SocketChannel channel, String listenerName, Duration idleTimeout, Duration loginTimeout,
                     HandshakeGate handshakes, IdleSweeper sweeper, NetEvents events) throws IOException {
        this.listenerName = listenerName;
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.io = new SocketIo(channel);
        this.handshakes = handshakes;
        this.sweeper = sweeper;
        this.events = events;
        this.idleTimeoutNanos = Durations.toNanos(idleTimeout);
        long login = Durations.toNanos(loginTimeout);
        this.loginDeadline = login == Durations.NEVER ? NO_DEADLINE : openedNanos + login;
        this.transport = new PlainTransport(io);
        this.input = new InputBuffer(transport);
        this.output = new OutputBuffer(writeLock, transport);
        sweeper.deadlineSet(expiresAt());
    }

    private static String newSessionId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[8];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        }
        return new String(id);
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public String listenerName() {
        return listenerName;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    /** The load balancer this connection came through (see {@link #readProxyHeader}), or null. */
    InetSocketAddress proxy() {
        return proxy;
    }

    /**
     * Reads the PROXY protocol header, the first bytes on a PROXY listener, straight from the socket
     * (below TLS and the line buffer, so not one byte of the client's own is consumed) and from then
     * on reports the client it names as {@link #remoteAddress()} and the address it reached as
     * {@link #localAddress()}. A peer that has not sent the whole header within {@code timeout} is
     * closed by the sweeper. Session thread, before anything else is read or written.
     */
    ProxyHeader readProxyHeader(Duration timeout) throws IOException {
        proxyHeaderTimeout = timeout;
        proxyHeaderDeadline = System.nanoTime() + Durations.toNanos(timeout);
        awaitingProxyHeader = true;
        sweeper.deadlineSet(proxyHeaderDeadline);
        ProxyHeader header;
        try {
            header = ProxyHeader.read(new UnbufferedInput());
        } finally {
            awaitingProxyHeader = false;
        }
        InetSocketAddress socketPeer = remote;
        header.source().ifPresent(client -> remote = client);
        header.destination().ifPresent(reached -> local = reached);
        proxy = socketPeer;
        return header;
    }

    /** Reads the socket directly, as many bytes as asked and no more; for the PROXY header only. */
    private final class UnbufferedInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            return io.read(java.nio.ByteBuffer.wrap(b, off, len));
        }
    }

    @Override
    public boolean isTls() {
        return tlsInfo != null;
    }

    @Override
    public Optional<TlsInfo> tls() {
        return Optional.ofNullable(tlsInfo);
    }

    /**
     * {@code ExtendedSSLSession.exportKeyingMaterialData} (JDK 25); null on an older runtime, since
     * the code is compiled for Java 21. Looked up once.
     */
    private static final java.lang.invoke.MethodHandle EXPORTER = exporter();

    private static java.lang.invoke.MethodHandle exporter() {
        try {
            return java.lang.invoke.MethodHandles.publicLookup().findVirtual(javax.net.ssl.ExtendedSSLSession.class,
                    "exportKeyingMaterialData", java.lang.invoke.MethodType.methodType(byte[].class, String.class,
                            byte[].class, int.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    @Override
    public boolean canBindChannel() {
        return EXPORTER != null && tlsSession instanceof javax.net.ssl.ExtendedSSLSession;
    }

    @Override
    public Optional<byte[]> tlsExporter() {
        // computed only when asked (a SCRAM-PLUS login), not for every handshake
        if (!canBindChannel()) return Optional.empty();
        try {
            return Optional.ofNullable((byte[]) EXPORTER.invoke((javax.net.ssl.ExtendedSSLSession) tlsSession,
                    "EXPORTER-Channel-Binding", new byte[0], 32));
        } catch (javax.net.ssl.SSLKeyException | UnsupportedOperationException e) {
            return Optional.empty(); // no exporter for this session: SCRAM-PLUS then fails, plain SCRAM still works
        } catch (Throwable e) {
            if (e instanceof Error err) throw err;
            return Optional.empty();
        }
    }

    @Override
    public byte[] readLine(int maxLength) throws IOException {
        return input.readLine(maxLength);
    }

    @Override
    public InputStream input() {
        return input.stream();
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void expectDataAfterReply() {
        io.quickAck();
    }

    @Override
    public void flush() throws IOException {
        output.flush();
    }

    @Override
    public boolean hasBufferedInput() {
        return input.hasBufferedInput();
    }

    @Override
    public void startTls() throws IOException {
        if (isTls()) {
            throw new IllegalStateException("TLS is already active");
        }
        if (compressing) {
            throw new IllegalStateException("STARTTLS after COMPRESS: TLS would have to go below DEFLATE");
        }
        if (handshakes == null) {
            throw new IOException("TLS is not configured on this server");
        }
        upgradeToTls(true);
    }

    /** TLS from the first byte (ports 465, 993, 995), before the handler runs. */
    void startImplicitTls() throws IOException {
        if (handshakes == null) {
            throw new IOException("TLS is not configured on this server");
        }
        upgradeToTls(false);
    }

    private void upgradeToTls(boolean discardPlaintextInput) throws IOException {
        long started = System.nanoTime();
        awaitingHello = true;
        handshakeDeadline = handshakes.helloDeadline(started);
        handshaking = true;
        sweeper.deadlineSet(handshakeDeadline);
        try {
            handshakeUnderWriteLock(discardPlaintextInput, started);
        } catch (IOException | RuntimeException e) {
            String why = closeReason != null ? closeReason : describe(e);
            LOG.log(System.Logger.Level.INFO, logPrefix() + "TLS handshake failed: " + why);
            events.tlsHandshake(listenerName, false);
            close();
            throw e;
        } finally {
            handshaking = false;
        }
        events.tlsHandshake(listenerName, true);
        LOG.log(System.Logger.Level.INFO, logPrefix() + "TLS established: " + tlsInfo);
    }

    private void handshakeUnderWriteLock(boolean discardPlaintextInput, long started) throws IOException {
        writeLock.lock();
        try {
            if (!output.isEmpty()) {
                output.flush(); // the caller's go-ahead reply still goes out in plaintext
            }
            if (discardPlaintextInput) {
                // RFC 3207 §4.2: anything sent before the handshake could be an injected command
                input.discard();
            }
            TlsTransport tls = new TlsTransport(io, handshakes.tls().newServerEngine(), writeLock);
            tls.handshake(new TlsTransport.HandshakeSteps() {
                @Override
                public void firstRecordArrived() {
                    awaitingHello = false;
                    handshakeDeadline = handshakes.deadline(started); // later than the hello deadline
                }

                @Override
                public void beforeCompute() throws IOException {
                    handshakes.enter(handshakeDeadline);
                }

                @Override
                public void afterCompute() {
                    handshakes.leave();
                }
            });
            switchTransport(tls);
            SSLSession session = tls.session();
            tlsSession = session;
            tlsInfo = new TlsInfo(session.getProtocol(), session.getCipherSuite());
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void startCompression() throws IOException {
        if (compressing) {
            throw new IllegalStateException("compression is already active");
        }
        writeLock.lock();
        try {
            if (!output.isEmpty()) {
                output.flush(); // the OK that announced compression is sent uncompressed
            }
            // bytes read past the command are the client's first compressed bytes: keep them
            switchTransport(new DeflateTransport(transport, input.takeBuffered()));
            compressing = true;
        } finally {
            writeLock.unlock();
        }
        LOG.log(System.Logger.Level.DEBUG, () -> logPrefix() + "DEFLATE compression started");
    }

    /** Write lock held. */
    private void switchTransport(Transport next) {
        transport = next;
        input.setTransport(next);
        output.setTransport(next);
    }

    @Override
    public void setIdleTimeout(Duration timeout) {
        idleTimeoutNanos = Durations.toNanos(timeout);
        sweeper.deadlineSet(expiresAt());
    }

    @Override
    public void loggedIn() {
        loggedIn = true;
        loginDeadline = NO_DEADLINE;
    }

    /** True until the session says the client logged in (see {@link Connection#loggedIn()}). */
    boolean isLoggedIn() {
        return loggedIn;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            io.close(); // wakes a read blocked on another thread with AsynchronousCloseException
        }
    }

    /** Closes on behalf of the server (sweeper, shutdown); the disconnect line will name the reason. */
    void close(String reason) {
        if (!closed.get()) {
            closeReason = reason;
            close();
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    void goodbye(byte[] line) {
        this.goodbye = line;
    }

    /** True when no byte moved either way for {@code nanos}: the session is waiting, not working. */
    boolean quietFor(long nanos) {
        return !handshaking && System.nanoTime() - io.lastActivityNanos() >= nanos;
    }

    /**
     * Ends a quiet session at shutdown: sends {@code goodbye} when the write side is free (it is,
     * unless a push is in flight) and closes. Any thread.
     */
    void sayGoodbyeAndClose() {
        if (goodbye != null && !closed.get()) {
            try {
                if (writeLock.tryLock(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    try {
                        output.write(goodbye);
                        output.flush();
                    } finally {
                        writeLock.unlock();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the client is gone or the channel broke: closing is all that is left
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close("server shutting down");
    }

    /** When the sweeper should close this connection, on the {@link System#nanoTime()} clock. */
    long expiresAt() {
        long deadline = io.lastActivityNanos() + idleTimeoutNanos;
        if (awaitingProxyHeader && proxyHeaderDeadline - deadline < 0) {
            deadline = proxyHeaderDeadline;
        }
        if (handshaking && handshakeDeadline - deadline < 0) {
            deadline = handshakeDeadline;
        }
        long login = loginDeadline;
        if (login != NO_DEADLINE && login - deadline < 0) {
            deadline = login;
        }
        return deadline;
    }

    /** Called by the sweeper; closes and logs when the deadline has really passed. */
    void closeIfExpired(long now) {
        if (closed.get() || expiresAt() - now > 0) {
            return;
        }
        long login = loginDeadline;
        String reason = awaitingProxyHeader && proxyHeaderDeadline - now <= 0
                ? "no PROXY header within " + Durations.describe(proxyHeaderTimeout)
                : login != NO_DEADLINE && login - now <= 0
                ? "not logged in within " + Durations.describe(Duration.ofNanos(login - openedNanos))
                : handshaking && handshakeDeadline - now <= 0
                ? awaitingHello ? "no TLS ClientHello within " + Durations.describe(handshakes.helloTimeout())
                        : "no TLS handshake within " + Durations.describe(handshakes.timeout())
                : "idle for " + Durations.describe(Duration.ofNanos(now - io.lastActivityNanos()));
        // the disconnect line, logged when the session thread has unwound, carries the reason
        LOG.log(System.Logger.Level.DEBUG, () -> logPrefix() + "closing: " + reason);
        close(reason);
    }

    /**
     * Ends the session on its own thread once the handler is done: after a normal return, sends
     * what the handler left unflushed and a TLS close_notify; then closes and frees the transport.
     */
    void finish(boolean handlerReturned) {
        if (!closed.get() && writeLock.tryLock()) { // another thread mid-write: skip the courtesies
            try {
                if (handlerReturned && !output.isEmpty()) {
                    output.flush();
                }
                transport.closeOutbound();
            } catch (IOException ignored) {
                // the client went away first; nothing to tell it
            } finally {
                writeLock.unlock();
            }
        }
        close();
        writeLock.lock(); // a writer on another thread fails fast now that the socket is closed
        try {
            output.markClosed();
            transport.release();
        } finally {
            writeLock.unlock();
        }
    }

    /** Heap bytes held in this connection's buffers now; racy when read from another thread. */
    int heldBufferBytes() {
        return input.capacity() + output.capacity() + transport.heldBufferBytes();
    }

    String closeReason() {
        return closeReason;
    }

    long openedNanos() {
        return openedNanos;
    }

    long bytesIn() {
        return io.bytesIn();
    }

    long bytesOut() {
        return io.bytesOut();
    }

    String logPrefix() {
        return listenerName + " " + sessionId + ": ";
    }

    /** "192.0.2.1:993" or "[2001:db8::1]:993", without InetSocketAddress's leading slash. */
    static String format(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    @Override
    public String toString() {
        return listenerName + " " + sessionId + " " + format(remote);
    }
}
