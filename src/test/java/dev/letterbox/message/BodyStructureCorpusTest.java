package dev.letterbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ENVELOPE, BODYSTRUCTURE and BODY of each corpus message against corpus/expected.txt (written from
 * RFC 3501 §7.4.2 and checked against Dovecot; deliberate differences are noted there), and the
 * stored form reading back to an equal structure.
 */
class BodyStructureCorpusTest {

    record Expected(String file, String envelope, String bodyStructure, String body) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Expected> corpus() throws IOException {
        List<Expected> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(Corpus.DIR.resolve("expected.txt"), StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("== ")) continue;
            String file = lines.get(i).substring(3);
            int j = i + 1;
            while (lines.get(j).startsWith("#")) j++;
            out.add(new Expected(file, strip(lines.get(j), "ENVELOPE "), strip(lines.get(j + 1), "BODYSTRUCTURE "),
                    strip(lines.get(j + 2), "BODY ")));
        }
        return out.stream();
    }

    private static String strip(String line, String prefix) {
        if (!line.startsWith(prefix)) throw new IllegalStateException("expected.txt: " + prefix + "expected, got " + line);
        return line.substring(prefix.length());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void envelopeAndBodyStructure(Expected e) throws IOException {
        MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(Corpus.load(e.file())));
        assertEquals(e.envelope(), NodeText.render(s.envelope()), "ENVELOPE");
        assertEquals(e.bodyStructure(), NodeText.render(s.bodyStructure(true)), "BODYSTRUCTURE");
        assertEquals(e.body(), NodeText.render(s.bodyStructure(false)), "BODY");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void storedFormReadsBackEqual(Expected e) throws IOException {
        byte[] raw = Corpus.load(e.file());
        MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(raw));
        byte[] stored = s.serialize();
        assertEquals(StructureCodec.FORMAT, stored[0]);
        MessageStructure back = MessageStructure.deserialize(stored);
        assertEquals(s, back);
        assertEquals(e.bodyStructure(), NodeText.render(back.bodyStructure(true)));
        assertEquals(e.envelope(), NodeText.render(back.envelope()));
        assertEquals(raw.length, back.size());
        assertEquals(s.subject(), back.subject());
        assertEquals(s.baseSubject(), back.baseSubject());
        assertEquals(s.sentDate(), back.sentDate());
        assertEquals(s.references(), back.references());
    }
}
