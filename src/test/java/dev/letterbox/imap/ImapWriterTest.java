package dev.letterbox.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void atomsAreCheckedAndWritten() throws Exception {
        out.star().number(12).atom("FETCH").open().atom("FLAGS").open().atom("\\Seen").atom("$Label1").close().close().end();
        assertEquals("* 12 FETCH (FLAGS (\\Seen $Label1))\r\n", written());
        assertThrows(IllegalArgumentException.class, () -> out.atom("two words"));
        assertThrows(IllegalArgumentException.class, () -> out.atom("caf\u00e9"));
    }
}
