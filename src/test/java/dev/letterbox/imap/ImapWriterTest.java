package dev.letterbox.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The writer's numbers and atoms, which it copies into the line itself rather than through Strings. */
class ImapWriterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ImapWriter out = new ImapWriter(bytes);

    private String written() {
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void numbersOfEveryLength() throws Exception {
        out.star().number(0).number(7).number(10).number(99).number(100).number(4_294_967_295L)
                .number(Long.MAX_VALUE).end();
        assertEquals("* 0 7 10 99 100 4294967295 9223372036854775807\r\n", written());
    }

    @Test
    void manyNumbersOnOneLineGrowTheBuffer() throws Exception {
        StringBuilder want = new StringBuilder("* SEARCH");
        out.star().atom("SEARCH");
        for (long n = 1; n <= 5000; n += 3) {
            out.number(n);
            want.append(' ').append(n);
        }
        out.end();
        assertEquals(want + "\r\n", written());
    }

    /**
     * A SEARCH answer for a million-message mailbox is one line of megabytes: the writer hands it on in
     * pieces while it is written, so that it never holds the whole line (which doubled its buffer up
     * to 8 MiB on a 256 MiB heap).
     */
    @Test
    void aLineOfManyNumbersIsHandedOnInPieces() throws Exception {
        int[] biggest = {0};
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ImapWriter w = new ImapWriter(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int n) {
                biggest[0] = Math.max(biggest[0], n);
                all.write(b, off, n);
            }
        });
        StringBuilder want = new StringBuilder("* SEARCH");
        w.star().atom("SEARCH");
        for (long n = 1_000_000; n <= 1_100_000; n++) {
            w.number(n);
            want.append(' ').append(n);
        }
        assertTrue(all.size() > 600_000, "handed on before the line ended: " + all.size());
        w.end();
        assertEquals(want + "\r\n", all.toString(StandardCharsets.US_ASCII));
        assertTrue(biggest[0] <= 16 * 1024, "pieces of at most 16 KiB: " + biggest[0]);
    }

    @Test
    void atomsAreCheckedAndWritten() throws Exception {
        out.star().number(12).atom("FETCH").open().atom("FLAGS").open().atom("\\Seen").atom("$Label1").close().close().end();
        assertEquals("* 12 FETCH (FLAGS (\\Seen $Label1))\r\n", written());
        assertThrows(IllegalArgumentException.class, () -> out.atom("two words"));
        assertThrows(IllegalArgumentException.class, () -> out.atom("caf\u00e9"));
    }
}
