package dev.letterbox.delivery;

import dev.letterbox.message.MessageStructure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Parses a message's structure while its bytes arrive, so it never has to be read back: the bytes
 * written here are handed through a small bounded buffer to a virtual thread running the parser
 * (which pulls from a stream). A writer waits when the parser is behind by more than the buffer.
 */
final class StreamingParse extends OutputStream {
    private static final int CAPACITY = 64 * 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final byte[] ring = new byte[CAPACITY];
    private int head; // next byte to read
    private int count;
    private boolean ended;
    private boolean abandoned;
    private final CompletableFuture<MessageStructure> result = new CompletableFuture<>();

    StreamingParse() {
        Thread.ofVirtual().name("letterbox-parse").start(() -> {
            try (InputStream in = new Reader()) {
                MessageStructure structure = MessageStructure.parse(in);
                result.complete(structure);
            } catch (Throwable e) {
                result.completeExceptionally(e);
            } finally {
                abandon(); // a parser that stopped early must not leave the writer waiting
            }
        });
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            while (len > 0) {
                while (count == CAPACITY && !abandoned) changed.awaitUninterruptibly();
                if (abandoned) return; // the parser is gone; its result says why
                int tail = (head + count) % CAPACITY;
                int n = Math.min(len, Math.min(CAPACITY - count, CAPACITY - tail));
                System.arraycopy(b, off, ring, tail, n);
                count += n;
                off += n;
                len -= n;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Ends the input and waits for the parser; the structure of everything written. */
    MessageStructure finish() throws IOException {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while parsing the message");
        } catch (ExecutionException e) {
            throw new IOException("cannot parse the message: " + e.getCause(), e.getCause());
        }
    }

    /** Stops the parser without a result (the message was dropped). */
    void abandon() {
        lock.lock();
        try {
            abandoned = true;
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        abandon();
    }

    /** The parser's end of the buffer. */
    private final class Reader extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            lock.lock();
            try {
                while (count == 0 && !ended) changed.awaitUninterruptibly();
                if (count == 0 || abandoned) return -1;
                int n = Math.min(len, Math.min(count, CAPACITY - head));
                System.arraycopy(ring, head, b, off, n);
                head = (head + n) % CAPACITY;
                count -= n;
                changed.signalAll();
                return n;
            } finally {
                lock.unlock();
            }
        }
    }
}
