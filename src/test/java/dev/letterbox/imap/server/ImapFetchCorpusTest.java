package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FETCH ENVELOPE / BODYSTRUCTURE / BODY of the message corpus end to end (APPEND over the wire,
 * FETCH back, compared with corpus/expected.txt whatever quoting the server chose), and body
 * sections of nested multiparts and message/rfc822 parts (RFC 3501 §6.4.5), BINARY (RFC 3516).
 */
class ImapFetchCorpusTest {
    @RegisterExtension
    static final TestServer server = new TestServer();
    static final Path CORPUS = Path.of("src/test/resources/dev/letterbox/message/corpus");

    static String user;
    static final List<String> files = new ArrayList<>();

    record Expected(String file, int msn, String envelope, String bodyStructure, String body) {
        @Override
        public String toString() {
            return file;
        }
    }

    /** Corpus files are kept with LF; they are stored with CRLF except "*.lf.eml". */
    static byte[] load(String name) throws Exception {
        byte[] raw = Files.readAllBytes(CORPUS.resolve(name));
        if (name.endsWith(".lf.eml")) return raw;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) out.write('\r');
            out.write(raw[i]);
        }
        return out.toByteArray();
    }

    static Stream<Expected> corpus() throws Exception {
        List<String> lines = Files.readAllLines(CORPUS.resolve("expected.txt"), StandardCharsets.UTF_8);
        List<Expected> out = new ArrayList<>();
        int msn = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("== ")) continue;
            int j = i + 1;
            while (lines.get(j).startsWith("#")) j++;
            out.add(new Expected(lines.get(i).substring(3), ++msn, lines.get(j).substring(9), lines.get(j + 1).substring(14),
                    lines.get(j + 2).substring(5)));
        }
        return out.stream();
    }

    @BeforeAll
    static void appendCorpus() throws Exception {
        user = server.newUser("corpus");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            for (Expected e : corpus().toList()) {
                byte[] msg = load(e.file());
                c.raw.sendRaw(("a APPEND INBOX {" + msg.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
                c.raw.sendRaw(msg);
                c.raw.sendRaw("\r\n".getBytes(StandardCharsets.US_ASCII));
                c.collect("a").ok();
                files.add(e.file());
            }
        }
    }

    private static ImapTestClient session() throws Exception {
        ImapTestClient c = ImapTestClient.login(server, user);
        c.run("s EXAMINE INBOX").ok();
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void envelopeBodyStructureAndBody(Expected e) throws Exception {
        try (ImapTestClient c = session()) {
            var r = c.run("f FETCH " + e.msn() + " (ENVELOPE BODYSTRUCTURE BODY RFC822.SIZE)").ok();
            Map<String, Object> items = ImapData.fetch(r.one("* " + e.msn() + " FETCH"));
            assertEquals(e.envelope(), ImapData.canonical(items.get("ENVELOPE")), "ENVELOPE");
            assertEquals(e.bodyStructure(), ImapData.canonical(items.get("BODYSTRUCTURE")), "BODYSTRUCTURE");
            assertEquals(e.body(), ImapData.canonical(items.get("BODY")), "BODY");
            assertEquals(String.valueOf(load(e.file()).length), items.get("RFC822.SIZE").toString());
            org.junit.jupiter.api.Assertions.assertArrayEquals(load(e.file()), c.literalOf("g FETCH " + e.msn() + " BODY.PEEK[]"),
                    "byte-exact BODY[]");
        }
    }

    private static int msnOf(String file) {
        return files.indexOf(file) + 1;
    }

    @Test
    void sectionsOfAForwardedMessage() throws Exception {
        int n = msnOf("03-message-rfc822.eml");
        try (ImapTestClient c = session()) {
            var r = c.run("h FETCH " + n + " (BODY.PEEK[1] BODY.PEEK[1.MIME] BODY.PEEK[2.HEADER] BODY.PEEK[2.1] BODY.PEEK[2.2] "
                    + "BODY.PEEK[2.TEXT] BODY.PEEK[3.HEADER] BODY.PEEK[3.TEXT] BODY.PEEK[3.1] BODY.PEEK[4] BODY.PEEK[1.HEADER] "
                    + "BINARY.SIZE[2.1] BODY.PEEK[2.HEADER.FIELDS (Subject)])").ok();
            Map<String, Object> s = ImapData.fetch(r.one("* " + n + " FETCH"));
            assertEquals("See the forwarded message below.\r\n", s.get("BODY[1]"));
            assertEquals("Content-Type: text/plain; charset=us-ascii\r\n\r\n", s.get("BODY[1.MIME]"));
            String embeddedHeader = (String) s.get("BODY[2.HEADER]");
            assertTrue(embeddedHeader.startsWith("From: Carol <carol@example.com>\r\n"), embeddedHeader);
            assertTrue(embeddedHeader.endsWith("Content-Type: multipart/alternative; boundary=\"YYY\"\r\n\r\n"), embeddedHeader);
            assertEquals("Numbers are up 5% this quarter. Caf=E9!", s.get("BODY[2.1]"));
            assertEquals("<p>Numbers are up 5% this quarter.</p>", s.get("BODY[2.2]"));
            String text = (String) s.get("BODY[2.TEXT]");
            assertTrue(text.startsWith("--YYY\r\nContent-Type: text/plain") && text.endsWith("--YYY--\r\n"), text);
            assertEquals("Subject: a simple embedded one\r\nFrom: dave@example.com\r\n\r\n", s.get("BODY[3.HEADER]"));
            assertEquals("Just text.", s.get("BODY[3.TEXT]"));
            assertEquals("Just text.", s.get("BODY[3.1]"));
            // sections naming nothing (no part 4; HEADER of a part that is no message) are empty literals
            assertEquals("", s.get("BODY[4]"));
            assertEquals("", s.get("BODY[1.HEADER]"));
            assertEquals("37", s.get("BINARY.SIZE[2.1]").toString());
            assertEquals("Subject: quarterly numbers\r\n\r\n", s.get("BODY[2.HEADER.FIELDS (Subject)]"));
        }
    }

    @Test
    void binaryUndoesTransferEncodings() throws Exception {
        int n = msnOf("02-alternative-in-mixed.eml");
        try (ImapTestClient c = session()) {
            var r = c.run("i FETCH " + n + " (BINARY.PEEK[1.1] BODY.PEEK[1.1] BINARY.SIZE[2] BINARY.PEEK[2]<0.8>)").ok();
            Map<String, Object> s = ImapData.fetch(r.one("* " + n + " FETCH"));
            assertEquals("Bonjour à tous,\r\nla réunion est déplacée.\r\n", s.get("BINARY[1.1]"));
            assertEquals("Bonjour =C3=A0 tous,\r\nla r=C3=A9union est d=C3=A9plac=C3=A9e.\r\n", s.get("BODY[1.1]"));
            byte[] pdf = Base64.getMimeDecoder().decode("JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8\r\n"
                    + "PC9Sb290IDEgMCBSPj4KJSVFT0YK");
            assertEquals(String.valueOf(pdf.length), s.get("BINARY.SIZE[2]").toString());
            assertEquals("%PDF-1.4", s.get("BINARY[2]<0>"));
        }
    }
}
