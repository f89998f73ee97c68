package dev.letterbox.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * HEADER.FIELDS(.NOT) gives the same octets whether the header is selected from in memory (nearly
 * every header) or streamed (one past the in-memory limit): every header of every corpus message,
 * for field lists that match, miss, differ in case, and name a continued field.
 */
class HeaderFieldsPathsTest {
    private static final List<List<String>> FIELD_LISTS = List.of(
            List.of("From"), List.of("subject", "TO"), List.of("Content-Type"), List.of("x-absent"),
            List.of("received", "Message-ID", "date"), List.of("MIME-Version", "content-transfer-encoding"));

    @Test
    void inMemoryAndStreamedSelectionAgreeOnTheCorpus() throws IOException {
        int compared = 0;
        try (Stream<Path> files = Files.list(Corpus.DIR)) {
            for (Path file : files.sorted().toList()) {
                byte[] raw = Corpus.load(file);
                MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(raw));
                for (int[] path : new int[][] {{}, {1}, {2}, {1, 1}, {2, 1}}) {
                    Optional<MessageStructure.Part> part = s.part(path);
                    if (part.isEmpty()) continue;
                    long from = part.get().headerStart(), to = part.get().bodyStart();
                    for (List<String> fields : FIELD_LISTS) {
                        for (boolean not : new boolean[] {false, true}) {
                            try (SeekableByteChannel ch = new InMemoryChannel(raw)) {
                                byte[] inMemory = Sections.headerFields(ch, from, to, fields, not);
                                byte[] streamed = Sections.headerFields(ch, from, to, fields, not, 0);
                                assertArrayEquals(streamed, inMemory, file.getFileName() + " " + fields + (not ? " NOT" : ""));
                                compared++;
                            }
                        }
                    }
                }
            }
        }
        assertEquals(true, compared > 100, "compared " + compared);
    }

    @Test
    void oddLinesAgreeToo() throws IOException {
        String[] headers = {
            "From: a@example.test\r\nSubject: one\r\n two\r\nno colon here\r\n:empty name\r\nTo : b@example.test\r\n\r\n",
            "Subject: bare LF\nfrom: x@example.test\n\n",
            "Subject: unterminated",
            "SUBJECT: caps\r\nsubject: lower\r\n\tfolded\r\n\r\n",
            "Subj\u00e9ct: latin\r\n\r\n",
        };
        for (String h : headers) {
            byte[] raw = h.getBytes(StandardCharsets.ISO_8859_1);
            for (List<String> fields : List.of(List.of("subject"), List.of("FROM", "to"), List.of("SUBJ\u00c9CT"), List.of("x"))) {
                for (boolean not : new boolean[] {false, true}) {
                    try (SeekableByteChannel ch = new InMemoryChannel(raw)) {
                        assertArrayEquals(Sections.headerFields(ch, 0, raw.length, fields, not, 0),
                                Sections.headerFields(ch, 0, raw.length, fields, not), h + " " + fields + " " + not);
                    }
                }
            }
        }
    }
}
