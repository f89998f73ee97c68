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
}
