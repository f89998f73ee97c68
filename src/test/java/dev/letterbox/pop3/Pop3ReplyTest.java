package dev.letterbox.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Pop3ReplyTest {
    private static String render(String message, int bodyLines) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Pop3Reply(out).message(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), bodyLines);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void stuffsLinesThatStartWithADot() throws Exception {
        assertEquals("Subject: x\r\n\r\n..hidden\r\n...\r\nok.\r\n.\r\n",
                render("Subject: x\r\n\r\n.hidden\r\n..\r\nok.\r\n", -1));
    }

    @Test
    void aLoneDotLineInTheMessageCannotEndTheResponse() throws Exception {
        assertEquals("A: b\r\n\r\n..\r\nafter\r\n.\r\n", render("A: b\r\n\r\n.\r\nafter\r\n", -1));
    }

    @Test
    void addsTheFinalLineBreakWhenTheMessageHasNone() throws Exception {
        assertEquals("A: b\r\n\r\nlast\r\n.\r\n", render("A: b\r\n\r\nlast", -1));
    }

    @Test
    void bareLineFeedsBecomeCrlf() throws Exception {
        assertEquals("A: b\r\n\r\nx\r\n.\r\n", render("A: b\n\nx\n", -1));
    }

    @Test
    void topSendsTheHeaderAndNBodyLines() throws Exception {
        String msg = "A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n";
        assertEquals("A: 1\r\nB: 2\r\n\r\n.\r\n", render(msg, 0));
        assertEquals("A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\n.\r\n", render(msg, 2));
        assertEquals("A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n.\r\n", render(msg, 99));
    }

    @Test
    void worksAcrossReadBoundaries() throws Exception {
        StringBuilder sb = new StringBuilder("H: v\r\n\r\n");
        for (int i = 0; i < 3000; i++) sb.append(i % 7 == 0 ? ".dot line " : "line ").append(i).append("\r\n");
        String message = sb.toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // one byte at a time exercises every split point of CR, LF and the leading dot
        InputStream slow = new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        new Pop3Reply(out).message(slow, -1);
        String expected = message.replace("\r\n.", "\r\n..") + ".\r\n";
        assertEquals(expected, out.toString(StandardCharsets.US_ASCII));
    }
}
