package dev.letterbox.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 5321 §4.2 reply syntax with RFC 2034 enhanced codes. */
class ReplyWriterTest {
    private static String wire(SmtpReply r) {
        return new String(ReplyWriter.format(r), StandardCharsets.UTF_8);
    }

    @Test
    void singleAndMultiLine() {
        assertEquals("250 2.1.5 recipient OK\r\n", wire(SmtpReply.of(250, "2.1.5", "recipient OK")));
        assertEquals("220 mx ESMTP\r\n", wire(SmtpReply.plain(220, "mx ESMTP")));
        assertEquals("250-mx\r\n250-PIPELINING\r\n250 SIZE 10\r\n",
                wire(SmtpReply.multi(250, Optional.empty(), List.of("mx", "PIPELINING", "SIZE 10"))));
        assertEquals("214-2.0.0 a\r\n214 2.0.0 b\r\n", wire(SmtpReply.multi(214, Optional.of("2.0.0"), List.of("a", "b"))));
    }

    @Test
    void textCannotInjectAReply() {
        assertEquals("550 5.1.1 x  250 ok\r\n", wire(SmtpReply.of(550, "5.1.1", "x\r\n250 ok")));
    }

    @Test
    void enhancedCodeMustMatchTheClass() {
        assertThrows(IllegalArgumentException.class, () -> SmtpReply.of(250, "5.0.0", "no"));
        assertThrows(IllegalArgumentException.class, () -> SmtpReply.of(250, "2.0", "no"));
    }
}
