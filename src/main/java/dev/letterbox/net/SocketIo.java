package dev.letterbox.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The bottom of every transport: blocking reads and writes on the socket channel, counting bytes and
 * stamping the time of the last byte moved (the idle sweeper reads it).
 *
 * <p>Reads happen on the session thread only; writes happen under the connection's write lock, so
 * each counter has a single writer at a time.
 */
final class SocketIo {
    private static final boolean QUICKACK_SUPPORTED = quickAckSupported();

    private final SocketChannel channel;
    /** Only used for FIONREAD: the channel's socket adaptor stream reports the kernel's byte count. */
    private final InputStream kernelCount;
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile long bytesIn;
    private volatile long bytesOut;

    SocketIo(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.kernelCount = channel.socket().getInputStream();
    }

    /** Blocks until at least one byte arrives; -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException {
        int n;
        do {
            n = channel.read(dst);
        } while (n == 0 && dst.hasRemaining());
        if (n > 0) {
            bytesIn += n;
            lastActivityNanos = System.nanoTime();
        }
        return n;
    }

    /** Writes every remaining byte of {@code src}, blocking while the peer's window is full. */
    void writeFully(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            int n = channel.write(src);
            if (n > 0) {
                bytesOut += n;
                lastActivityNanos = System.nanoTime();
            }
        }
    }

    /** Bytes the kernel has received that a read would return without blocking. */
    int kernelAvailable() {
        try {
            return kernelCount.available();
        } catch (IOException e) {
            return 0; // closed or shut down: the next read reports it properly
        }
    }

    /**
     * Asks the kernel to acknowledge the next segment at once instead of delaying the ACK (Linux
     * TCP_QUICKACK; the kernel clears it again by itself). Where the option is missing this does nothing.
     */
    void quickAck() {
        if (!QUICKACK_SUPPORTED) return;
        try {
            channel.setOption(jdk.net.ExtendedSocketOptions.TCP_QUICKACK, true);
        } catch (IOException | UnsupportedOperationException e) {
            // only a latency hint
        }
    }

    private static boolean quickAckSupported() {
        try (SocketChannel probe = SocketChannel.open()) {
            return probe.supportedOptions().contains(jdk.net.ExtendedSocketOptions.TCP_QUICKACK);
        } catch (IOException e) {
            return false;
        }
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    long bytesIn() {
        return bytesIn;
    }

    long bytesOut() {
        return bytesOut;
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket fails only when it is already broken; nothing left to release
        }
    }
}
