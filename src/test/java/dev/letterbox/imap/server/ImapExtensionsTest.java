package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** COMPRESS=DEFLATE (RFC 4978), IMAP4rev2 after ENABLE (RFC 9051), UTF8=ACCEPT APPEND (RFC 6855), literal8 APPEND (RFC 3516). */
class ImapExtensionsTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void compressDeflateBothWays() throws Exception {
        String user = server.newUser("deflate");
        server.deliver(user, ImapMessageTest.MSG);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("z1 COMPRESS DEFLATE").ok();
            OutputStream raw = c.raw.socket().getOutputStream();
            DeflaterOutputStream out = new DeflaterOutputStream(raw, new Deflater(Deflater.DEFAULT_COMPRESSION, true), true);
            InputStream in = new InflaterInputStream(c.raw.socket().getInputStream(), new Inflater(true), 1);
            out.write("z2 SELECT INBOX\r\nz3 FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject)]\r\nz4 COMPRESS DEFLATE\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String text = readUntil(in, "z4 ");
            assertTrue(text.contains("z2 OK [READ-WRITE]"), text);
            assertTrue(text.contains("Subject: afternoon meeting"), text);
            assertTrue(text.contains("z4 NO [COMPRESSIONACTIVE]"), text);
        }
    }

    private static String readUntil(InputStream in, String tagPrefix) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) break;
            buf.write(b);
            String s = buf.toString(StandardCharsets.UTF_8);
            int at = s.lastIndexOf("\r\n" + tagPrefix);
            if (at >= 0 && s.endsWith("\r\n") && s.indexOf("\r\n", at + 2) == s.length() - 2) return s;
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void imap4rev2ChangesTheResponses() throws Exception {
        String user = server.newUser("rev2");
        server.deliver(user, ImapMessageTest.MSG);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("r1 ENABLE IMAP4rev2").ok().has("* ENABLED IMAP4rev2");
            c.run("r2 CREATE \"Entwürfe/Ärger\"").ok();
            var list = c.run("r3 LIST \"\" \"Entw*\"").ok();
            assertEquals(List.of("* LIST (\\HasChildren) \"/\" \"Entwürfe\"", "* LIST (\\HasNoChildren) \"/\" \"Entwürfe/Ärger\""),
                    list.untagged());
            var sel = c.run("r4 SELECT INBOX").ok();
            sel.lacks("* 1 RECENT").lacks("* OK [UNSEEN").has("* LIST () \"/\" \"INBOX\"").has("* 1 EXISTS");
            c.run("r5 FETCH 1 FLAGS").ok().has("* 1 FETCH (FLAGS ())");
            c.run("r6 SEARCH ALL").ok().has("* ESEARCH (TAG \"r6\") ALL 1").lacks("* SEARCH");
            c.run("r7 UID SEARCH UNSEEN").ok().has("* ESEARCH (TAG \"r7\") UID ALL 1");
            c.run("r8 STATUS INBOX (MESSAGES SIZE DELETED)").ok().one("* STATUS \"INBOX\" (MESSAGES 1 SIZE ");
        }
    }

    @Test
    void utf8AndBinaryAppend() throws Exception {
        String user = server.newUser("utf8app");
        String msg = "From: Jörg <jörg@example.de>\r\nSubject: Grüße\r\n\r\nHallo\r\n";
        int n = ImapMessageTest.octets(msg);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("u1 ENABLE UTF8=ACCEPT").ok();
            c.run("u2 APPEND INBOX UTF8 (~{" + n + "+}\r\n" + msg + ")").ok().code("APPENDUID");
            c.run("u3 APPEND INBOX ~{" + n + "+}\r\n" + msg).ok().code("APPENDUID");
            c.run("u4 SELECT INBOX").ok().has("* 2 EXISTS");
            var env = ImapData.fetch(c.run("u5 FETCH 1 ENVELOPE").ok().one("* 1 FETCH"));
            assertTrue(ImapData.canonical(env.get("ENVELOPE")).contains("\"Grüße\""), env.toString());
            c.run("u6 APPEND INBOX UTF8 ({" + n + "+}\r\n" + msg + ")").bad();
        }
    }

    @Test
    void binaryAppendWithNulIsStoredWithThatPartInBase64() throws Exception {
        String user = server.newUser("binnul");
        String content = "\u0000\u0001\u0002 data\r\n\u0000end";
        String msg = "From: a@example.org\r\nSubject: binary\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"xx\"\r\n\r\n"
                + "--xx\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                + "--xx\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n"
                + content + "\r\n--xx--\r\n";
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("b1 APPEND INBOX ~{" + ImapMessageTest.octets(msg) + "+}\r\n" + msg).ok().code("APPENDUID");
            c.run("b2 SELECT INBOX").ok();
            // RFC 3501 §4.3: a literal holds no NUL; RFC 3516 §4.4 lets the server change the part's encoding
            byte[] stored = c.literalOf("b3 FETCH 1 BODY.PEEK[]");
            for (byte b : stored) assertTrue(b != 0, "BODY[] must not carry NUL: " + new String(stored, StandardCharsets.UTF_8));
            String size = c.run("b4 FETCH 1 RFC822.SIZE").ok().one("* 1 FETCH");
            assertEquals("* 1 FETCH (RFC822.SIZE " + stored.length + ")", size);
            String structure = c.run("b5 FETCH 1 BODYSTRUCTURE").ok().one("* 1 FETCH");
            assertTrue(structure.contains("(\"application\" \"octet-stream\" NIL NIL NIL \"base64\" "), structure);
            assertTrue(structure.contains("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 5 0 "), structure);
            // RFC 3516 §4.2: BINARY gives the content back as it was sent, as a literal8 since it holds NUL
            int octets = ImapMessageTest.octets(content);
            c.run("b6 FETCH 1 (BINARY.SIZE[2] BINARY.PEEK[2])").ok()
                    .has("* 1 FETCH (BINARY.SIZE[2] " + octets + " BINARY[2] ~{" + octets + "}\r\n" + content + ")");
            c.run("b7 FETCH 1 BODY.PEEK[1]").ok().has("* 1 FETCH (BODY[1] {5}\r\nhello)");
            // a NUL where no transfer encoding can carry it: refused, nothing stored
            String badHeader = "Subject: a\u0000b\r\n\r\nbody\u0000\r\n";
            c.run("b8 APPEND INBOX ~{" + ImapMessageTest.octets(badHeader) + "+}\r\n" + badHeader).no().code("UNKNOWN-CTE");
            c.run("b9 NOOP").ok().lacks("* 2 EXISTS");
        }
    }
}
