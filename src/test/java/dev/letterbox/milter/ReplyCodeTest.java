package dev.letterbox.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.letterbox.smtp.SmtpReply;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SMFIR_REPLYCODE text → SMTP reply. */
class ReplyCodeTest {
    @Test
    void oneLineWithEnhancedCode() throws Exception {
        assertEquals(SmtpReply.of(554, "5.7.1", "Spam message rejected"), MilterSession.parseReplyCode("554 5.7.1 Spam message rejected"));
    }

    @Test
    void withoutEnhancedCodeOrText() throws Exception {
        assertEquals(new SmtpReply(450, Optional.empty(), List.of("try later")), MilterSession.parseReplyCode("450 try later"));
        assertEquals(new SmtpReply(550, Optional.empty(), List.of("")), MilterSession.parseReplyCode("550"));
    }

    @Test
    void enhancedCodeOfAnotherClassIsText() throws Exception {
        assertEquals(new SmtpReply(550, Optional.empty(), List.of("4.7.1 odd")), MilterSession.parseReplyCode("550 4.7.1 odd"));
    }

    @Test
    void multiLine() throws Exception {
        assertEquals(new SmtpReply(550, Optional.of("5.7.1"), List.of("first", "second")),
                MilterSession.parseReplyCode("550-5.7.1 first\r\n550 5.7.1 second\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "250 2.0.0 ok", "354 go on", "600 x", "55 short", "abc", "550-5.7.1 a\r\n451 4.7.1 b", "550x"})
    void malformedOrNotARefusal(String text) {
        assertThrows(MilterException.class, () -> MilterSession.parseReplyCode(text));
    }
}
