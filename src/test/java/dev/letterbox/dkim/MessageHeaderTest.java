package dev.letterbox.dkim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageHeaderTest {
    @Test
    void splitsFieldsKeepsFoldsAndSkipsJunkLines() {
        MessageHeader h = MessageHeader.parse(bytes("From: a\r\nSubject: one\r\n\ttwo\r\nnot a field\r\n two\r\nX-8bit: Gr\u00fc\u00dfe\nTo: b\r\n\r\n"));
        assertEquals(List.of("From: a", "Subject: one\r\n\ttwo", "X-8bit: Gr\u00fc\u00dfe", "To: b"), h.fields());
        assertEquals("x-8bit", h.name(2));
        assertArrayEquals(new int[] {3}, h.positions("to"));
        assertArrayEquals(new int[0], h.positions("cc"));
    }

    @Test
    void refusesBodyBytes() {
        assertThrows(IllegalArgumentException.class, () -> MessageHeader.parse(bytes("From: a\r\n\r\nbody")));
        assertEquals(1, MessageHeader.parse(bytes("From: a\r\n")).size(), "no empty line: all header");
        assertEquals(0, MessageHeader.parse(bytes("\r\n")).size());
    }

    @Test
    void selectionTakesRepeatedFieldsFromTheBottomAndSkipsTheSignatureItself() {
        // RFC 6376 §5.4.2
        MessageHeader h = MessageHeader.parse(bytes("DKIM-Signature: new\r\nFrom: a\r\nTo: b\r\nDKIM-Signature: old\r\nTo: c\r\n"));
        assertEquals("to:c\r\nto:b\r\nfrom:a\r\n", h.canonicalFields(List.of("to", "to", "to", "from", "cc"), -1, Canonicalization.RELAXED));
        assertEquals("DKIM-Signature: old\r\n", h.canonicalFields(List.of("dkim-signature", "dkim-signature"), 0, Canonicalization.SIMPLE));
    }

    @Test
    void readsFromAStreamAndKeepsTheBodyStart() throws Exception {
        MessageHeader.Read read = MessageHeader.read(new ByteArrayInputStream(bytes("A: 1\r\nB: 2\r\n\r\nbody\r\n")), 1000);
        assertEquals(List.of("A: 1", "B: 2"), read.header().fields());
        assertEquals("body\r\n", new String(read.bodyStart(), StandardCharsets.ISO_8859_1));
        assertThrows(java.io.IOException.class, () -> MessageHeader.read(new ByteArrayInputStream(bytes("A: " + "x".repeat(3000))), 1000));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
