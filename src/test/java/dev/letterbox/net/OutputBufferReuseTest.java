package dev.letterbox.net;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A flushed connection holds no output array, and a full-size one it drops serves the next
 * response of any connection: the bytes still come out whole and in order on each.
 */
class OutputBufferReuseTest {
    /** The bottom of a byte stream, keeping what reached it. */
    private static final class Kept implements Transport {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public int read(byte[] dst, int off, int len) {
            return -1;
        }

        @Override
        public int buffered() {
            return 0;
        }

        @Override
        public int pending() {
            return 0;
        }

        @Override
        public void write(byte[] src, int off, int len) {
            bytes.write(src, off, len);
        }

        @Override
        public void flush() {}
    }

    @Test
    void aFlushedFullSizeArrayStartsTheNextResponseOfAnotherConnection() throws Exception {
        Kept first = new Kept();
        Kept second = new Kept();
        OutputBuffer a = new OutputBuffer(new ReentrantLock(), first);
        OutputBuffer b = new OutputBuffer(new ReentrantLock(), second);
        byte[] big = pattern(OutputBuffer.MAX_CAPACITY - 1, 'a');
        a.write(big, 0, big.length);
        a.write('!');
        assertEquals(OutputBuffer.MAX_CAPACITY, a.capacity(), "grown to full size");
        a.flush();
        assertEquals(0, a.capacity(), "a flushed connection holds no array");
        b.write('x');
        assertEquals(OutputBuffer.MAX_CAPACITY, b.capacity(), "the next response starts in the spare array, not in a new small one");
        byte[] more = pattern(100, 'k');
        b.write(more, 0, more.length);
        b.flush();
        assertEquals(0, b.capacity());

        ByteArrayOutputStream expectedA = new ByteArrayOutputStream();
        expectedA.write(big);
        expectedA.write('!');
        assertArrayEquals(expectedA.toByteArray(), first.bytes.toByteArray());
        ByteArrayOutputStream expectedB = new ByteArrayOutputStream();
        expectedB.write('x');
        expectedB.write(more);
        assertArrayEquals(expectedB.toByteArray(), second.bytes.toByteArray());
    }

    private static byte[] pattern(int length, char from) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) out[i] = (byte) (from + i % 20);
        return out;
    }
}
