package dev.letterbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Delivery parses the client's bytes while they arrive and puts trace fields in front afterwards:
 * the structure re-based behind the prefix must equal parsing the stored message whole.
 */
class PrefixedStructureTest {
    private static final byte[] PREFIX = ("Return-Path: <a@example.org>\r\n"
            + "Authentication-Results: mail.example.test; spf=pass smtp.mailfrom=example.org\r\n"
            + "Received: from client.example.org ([192.0.2.1])\r\n\tby mail.example.test (Letterbox) with ESMTPS\r\n"
            + "\tid abc.1; Sun, 6 Dec 2026 00:00:00 +0000\r\n").getBytes(StandardCharsets.US_ASCII);

    @Test
    void everyCorpusMessageRebasedEqualsTheWholeParse() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(Corpus.DIR)) {
            files = list.filter(f -> f.toString().endsWith(".eml")).sorted().toList();
        }
        for (Path f : files) {
            byte[] message = Corpus.load(f);
            assertEquals(parse(concat(PREFIX, message)), parse(message).afterPrefix(PREFIX.length), f.toString());
        }
    }

    @Test
    void aMessageWithoutHeaderFieldsGetsThePrefixAsItsHeader() throws IOException {
        byte[] message = "\r\njust a body\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(parse(concat(PREFIX, message)), parse(message).afterPrefix(PREFIX.length));
    }

    private static MessageStructure parse(byte[] m) throws IOException {
        return MessageStructure.parse(new ByteArrayInputStream(m));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
