package dev.letterbox.net;

import java.io.IOException;

/**
 * One layer of a connection's byte stream: plaintext, TLS, or DEFLATE above either.
 *
 * <p>The two directions are independent. {@link #read} and the input queries run on the session
 * thread only; {@link #write}, {@link #flush} and {@link #closeOutbound} run with the connection's
 * write lock held, possibly on another thread while a read is blocked. A layer keeps no buffer it
 * does not need: what it allocates for a burst of traffic it drops when the burst is over.
 */
interface Transport {
    /** Blocks until at least one byte can be returned (unless {@code len} is 0); -1 at end of stream. */
    int read(byte[] dst, int off, int len) throws IOException;

    /** Decoded bytes a {@link #read} would return without blocking (0 when unsure). */
    int buffered();

    /**
     * A rough count of bytes that have arrived anywhere in this layer or below (the kernel's socket
     * buffer included): the caller sizes its read buffer by it, and keeps it tiny when it is 0.
     */
    int pending();

    /** Accepts all of {@code src}; may send when an internal buffer fills. Write lock held. */
    void write(byte[] src, int off, int len) throws IOException;

    /** Sends everything written so far and drops transient output buffers. Write lock held. */
    void flush() throws IOException;

    /** Best-effort orderly end of the outgoing stream (TLS close_notify). Write lock held. */
    default void closeOutbound() {}

    /** Heap bytes this layer and those below hold in buffers right now (for tests and the bench). */
    default int heldBufferBytes() {
        return 0;
    }

    /** Frees native resources once the session is over. */
    default void release() {}
}
