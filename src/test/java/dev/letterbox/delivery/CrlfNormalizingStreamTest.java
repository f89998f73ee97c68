package dev.letterbox.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CrlfNormalizingStreamTest {
    private static String normalize(String in, int chunk) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CrlfNormalizingStream s = new CrlfNormalizingStream(out);
        byte[] b = in.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < b.length; i += chunk) s.write(b, i, Math.min(chunk, b.length - i));
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void bareLfBecomesCrlfAndCrlfStays() throws Exception {
        for (int chunk : new int[] {1, 2, 3, 100}) {
            assertEquals("a\r\nb\r\n\r\nc\r\n", normalize("a\nb\r\n\nc\n", chunk), "chunk " + chunk);
            assertEquals("x\ry\r\n", normalize("x\ry\n", chunk), "a bare CR is left alone");
        }
    }
}
