package dev.letterbox.net;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Bytes as they are on the wire. Holds no buffer of its own: it reads and writes the caller's arrays. */
final class PlainTransport implements Transport {
    private final SocketIo io;

    PlainTransport(SocketIo io) {
        this.io = io;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        return io.read(ByteBuffer.wrap(dst, off, len));
    }

    @Override
    public int buffered() {
        return io.kernelAvailable();
    }

    @Override
    public int pending() {
        return io.kernelAvailable();
    }

    @Override
    public void write(byte[] src, int off, int len) throws IOException {
        io.writeFully(ByteBuffer.wrap(src, off, len));
    }

    @Override
    public void flush() {
        // every write went straight to the socket
    }
}
