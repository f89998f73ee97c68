package dev.letterbox.net;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;

/** A deterministic byte stream both ends can produce independently, to check transfers byte-exact. */
final class TestData {
    private TestData() {}

    static byte patternByte(long index) {
        long x = (index + 1) * 0x9E3779B97F4A7C15L;
        x ^= x >>> 29;
        return (byte) (x ^ (x >>> 47));
    }

    static byte[] pattern(long offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = patternByte(offset + i);
        }
        return bytes;
    }

    static void writePattern(OutputStream out, long length) throws IOException {
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(8192, length - done);
            out.write(pattern(done, n));
            done += n;
        }
    }

    static long patternCrc(long length) {
        CRC32 crc = new CRC32();
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(8192, length - done);
            crc.update(pattern(done, n));
            done += n;
        }
        return crc.getValue();
    }
}
