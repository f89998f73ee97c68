package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * APPEND, SELECT/EXAMINE, FETCH, STORE, COPY, MOVE, EXPUNGE, CLOSE over a real socket; expected
 * responses follow RFC 3501 §6.3-6.4, RFC 4315 (UIDPLUS), RFC 6851 (MOVE), RFC 3691 (UNSELECT).
 */
class ImapMessageTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static final String MSG = "From: Fred Foobar <foobar@example.org>\r\n"
            + "To: mooch@example.test\r\n"
            + "Subject: afternoon meeting\r\n"
            + "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
            + "Message-Id: <B27397-0100000@example.org>\r\n"
            + "\r\n"
            + "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";

    static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static String append(String mailbox, String flags, String message) {
        return "APPEND " + mailbox + (flags.isEmpty() ? "" : " " + flags) + " {" + octets(message) + "+}\r\n" + message;
    }

    static long uidValidity(ImapTestClient.Response select) {
        String line = select.one("* OK [UIDVALIDITY ");
        Matcher m = Pattern.compile("UIDVALIDITY (\\d+)").matcher(line);
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    @Test
    void appendThenSelectReportsWhatRfc3501Requires() throws Exception {
        String user = server.newUser("sel");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("a1 CREATE Work").ok();
            var app = c.run("a2 " + append("Work", "(\\Flagged $Important) \" 7-Feb-1994 21:52:25 -0800\"", MSG)).ok();
            assertTrue(app.tagged().matches("a2 OK \\[APPENDUID \\d+ 1\\] .*"), app.tagged());
            c.run("a3 " + append("Nowhere", "", MSG)).no().code("TRYCREATE");
            var sel = c.run("a4 SELECT Work").ok().code("READ-WRITE");
            sel.has("* 1 EXISTS").has("* 1 RECENT").has("* OK [UNSEEN 1] First unseen").has("* OK [UIDNEXT 2] Predicted next UID");
            assertEquals("* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Important)", sel.one("* FLAGS"));
            assertEquals("* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Important \\*)] Flags permitted",
                    sel.one("* OK [PERMANENTFLAGS"));
            assertTrue(app.tagged().contains("APPENDUID " + uidValidity(sel) + " 1"));
            sel.one("* OK [HIGHESTMODSEQ ");

            var f = c.run("a5 FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE UID)").ok();
            Map<String, Object> items = ImapData.fetch(f.one("* 1 FETCH"));
            assertEquals("(\\Flagged $Important \\Recent)", ImapData.canonical(items.get("FLAGS")));
            assertEquals("08-Feb-1994 05:52:25 +0000", items.get("INTERNALDATE"));
            assertEquals(String.valueOf(octets(MSG)), items.get("RFC822.SIZE").toString());
            assertEquals("1", items.get("UID").toString());
        }
    }

    @Test
    void bodySectionsPartialsAndImplicitSeen() throws Exception {
        String user = server.newUser("body");
        server.deliver(user, MSG);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("b1 SELECT INBOX").ok();
            var peek = c.run("b2 FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject from)])").ok();
            Map<String, Object> items = ImapData.fetch(peek.one("* 1 FETCH"));
            assertEquals("From: Fred Foobar <foobar@example.org>\r\nSubject: afternoon meeting\r\n\r\n",
                    items.get("BODY[HEADER.FIELDS (Subject from)]"));
            assertEquals(1, items.size(), "PEEK sets no flag, so no FLAGS item");
            var notFields = ImapData.fetch(c.run("b3 FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (From To Subject Date)]").ok().one("* 1 FETCH"));
            assertEquals("Message-Id: <B27397-0100000@example.org>\r\n\r\n", notFields.get("BODY[HEADER.FIELDS.NOT (From To Subject Date)]"));
            var partial = ImapData.fetch(c.run("b4 FETCH 1 (BODY.PEEK[]<6.4> BODY.PEEK[TEXT]<0.5> BODY.PEEK[]<100000.5>)").ok().one("* 1 FETCH"));
            assertEquals("Fred", partial.get("BODY[]<6>"));
            assertEquals("Hello", partial.get("BODY[TEXT]<0>"));
            assertEquals("", partial.get("BODY[]<100000>"));
            var header = ImapData.fetch(c.run("b5 FETCH 1 (RFC822.HEADER BODY.PEEK[1] BODY.PEEK[1.MIME] BODY.PEEK[2])").ok().one("* 1 FETCH"));
            assertEquals(MSG.substring(0, MSG.indexOf("\r\n\r\n") + 4), header.get("RFC822.HEADER"));
            assertEquals("Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n", header.get("BODY[1]"));
            assertEquals("", header.get("BODY[2]")); // no such part: an empty literal, not NIL
            // a body fetch without PEEK sets \Seen and says so (RFC 3501 §6.4.5)
            var text = ImapData.fetch(c.run("b6 FETCH 1 BODY[TEXT]").ok().one("* 1 FETCH"));
            assertEquals("(\\Seen \\Recent)", ImapData.canonical(text.get("FLAGS")));
            var again = ImapData.fetch(c.run("b7 FETCH 1 RFC822").ok().one("* 1 FETCH"));
            assertEquals(MSG, again.get("RFC822"));
            assertTrue(!again.containsKey("FLAGS"), "already seen: no FLAGS");
            c.run("b8 FETCH 2 FLAGS").bad();
            c.run("b9 FETCH 1:* NOSUCHITEM").bad();
            c.run("b10 UID FETCH 99 FLAGS").ok().lacks("*");
            // a header field name that is no atom is echoed quoted (RFC 3501 §9 header-fld-name = astring)
            assertTrue(c.run("b11 FETCH 1 (BODY.PEEK[HEADER.FIELDS (\"X(Odd\" Subject)])").ok().one("* 1 FETCH")
                    .startsWith("* 1 FETCH (BODY[HEADER.FIELDS (\"X(Odd\" Subject)] "));
        }
    }

    /**
     * RFC 3501 §7.4.2 answers each requested data item once. imaptest's stress mix picks items at
     * random with repeats ("FETCH 1:5 (BODYSTRUCTURE ENVELOPE BODYSTRUCTURE)") and flags a response
     * that repeats one; BODY[x] and BODY.PEEK[x] are one item in the response, and the item that
     * sets \Seen wins.
     */
    @Test
    void aDataItemRequestedTwiceIsAnsweredOnce() throws Exception {
        String user = server.newUser("twice");
        server.deliver(user, MSG);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("t1 SELECT INBOX").ok();
            assertEquals(List.of("BODYSTRUCTURE", "ENVELOPE"), ImapData.fetchNames(
                    c.run("t2 FETCH 1 (BODYSTRUCTURE ENVELOPE BODYSTRUCTURE)").ok().one("* 1 FETCH")));
            assertEquals(List.of("UID", "BODY", "BODYSTRUCTURE", "RFC822.SIZE", "INTERNALDATE"), ImapData.fetchNames(
                    c.run("t3 FETCH 1 (UID BODY BODYSTRUCTURE BODY RFC822.SIZE INTERNALDATE RFC822.SIZE UID INTERNALDATE)")
                            .ok().one("* 1 FETCH")));
            assertEquals(List.of("UID", "BODY[HEADER.FIELDS (From)]", "BODY[HEADER.FIELDS (Subject)]"), ImapData.fetchNames(
                    c.run("t4 UID FETCH 1 (BODY.PEEK[HEADER.FIELDS (From)] BODY.PEEK[HEADER.FIELDS (Subject)] "
                            + "BODY.PEEK[HEADER.FIELDS (From)])").ok().one("* 1 FETCH")));
            assertEquals(List.of("BINARY.SIZE[1]", "BINARY[1]", "BODY[]<0>", "BODY[]<2>"), ImapData.fetchNames(
                    c.run("t5 FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1] BINARY.SIZE[1] BINARY.PEEK[1] "
                            + "BODY.PEEK[]<0.4> BODY.PEEK[]<2.4> BODY.PEEK[]<0.4>)").ok().one("* 1 FETCH")));
            assertEquals(List.of("FLAGS", "MODSEQ"), ImapData.fetchNames(
                    c.run("t6 FETCH 1 (FLAGS MODSEQ FLAGS MODSEQ)").ok().one("* 1 FETCH")));
            var seen = c.run("t7 FETCH 1 (BODY.PEEK[TEXT] BODY[TEXT] BODY.PEEK[TEXT])").ok().one("* 1 FETCH");
            assertEquals(List.of("BODY[TEXT]", "FLAGS", "MODSEQ"), ImapData.fetchNames(seen));
            assertEquals("(\\Seen \\Recent)", ImapData.canonical(ImapData.fetch(seen).get("FLAGS")));
        }
    }

    @Test
    void storeVariantsAndKeywords() throws Exception {
        String user = server.newUser("store");
        server.deliver(user, MSG);
        server.deliver(user, MSG);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("c1 SELECT INBOX").ok();
            var add = c.run("c2 STORE 1:2 +FLAGS (\\Deleted \\Seen)").ok();
            assertEquals("(\\Seen \\Deleted \\Recent)", ImapData.canonical(ImapData.fetch(add.one("* 1 FETCH")).get("FLAGS")));
            assertEquals("(\\Seen \\Deleted \\Recent)", ImapData.canonical(ImapData.fetch(add.one("* 2 FETCH")).get("FLAGS")));
            c.run("c3 STORE 1 -FLAGS.SILENT (\\Deleted)").ok().lacks("* 1 FETCH");
            var kw = c.run("c4 UID STORE 2 FLAGS ($Label1 \\Answered)").ok();
            kw.has("* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Label1)");
            Map<String, Object> items = ImapData.fetch(kw.one("* 2 FETCH"));
            assertEquals("(\\Answered $Label1 \\Recent)", ImapData.canonical(items.get("FLAGS")));
            assertEquals("2", items.get("UID").toString());
            c.run("c5 STORE 1 +FLAGS (\\Bogus)").bad();
            c.run("c6 STORE 3 +FLAGS (\\Seen)").bad();
            var search = c.run("c7 SEARCH KEYWORD $label1").ok();
            search.has("* SEARCH 2");
        }
    }

    @Test
    void copyMoveAndExpungeReportUidsAndNumbers() throws Exception {
        String user = server.newUser("copy");
        for (int i = 0; i < 4; i++) server.deliver(user, MSG);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            long archive = uidValidity(c.run("d0 EXAMINE Archive").ok());
            c.run("d1 SELECT INBOX").ok().one("* OK [CLOSED]");
            c.run("d2 COPY 1:2 Archive").ok().code("COPYUID " + archive + " 1:2 1:2");
            c.run("d3 COPY 1 Nowhere").no().code("TRYCREATE");
            var move = c.run("d4 UID MOVE 2:3 Archive").ok();
            assertEquals(List.of("* OK [COPYUID " + archive + " 2:3 3:4] Moved", "* 3 EXPUNGE", "* 2 EXPUNGE"), move.untagged());
            c.run("d5 STORE 1 +FLAGS.SILENT (\\Deleted)").ok();
            c.run("d6 EXPUNGE").ok().has("* 1 EXPUNGE");
            c.run("d7 FETCH 1 UID").ok().has("* 1 FETCH (UID 4)");
            c.run("d8 STORE 1 +FLAGS.SILENT (\\Deleted)").ok();
            c.run("d9 UID EXPUNGE 1:3").ok().lacks("* 1 EXPUNGE");
            c.run("d10 UID EXPUNGE 4").ok().has("* 1 EXPUNGE");
            var st = c.run("d11 STATUS Archive (MESSAGES UIDNEXT UNSEEN)").ok();
            st.has("* STATUS \"Archive\" (MESSAGES 4 UIDNEXT 5 UNSEEN 4)");
        }
    }

    @Test
    void closeExpungesSilentlyExamineIsReadOnlyUnselectDoesNot() throws Exception {
        String user = server.newUser("close");
        server.deliver(user, MSG);
        server.deliver(user, MSG);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("e1 SELECT INBOX").ok();
            c.run("e2 STORE 1 +FLAGS.SILENT (\\Deleted)").ok();
            c.run("e3 UNSELECT").ok();
            var ex = c.run("e4 EXAMINE INBOX").ok().code("READ-ONLY");
            ex.has("* 2 EXISTS").has("* OK [PERMANENTFLAGS ()] Read-only mailbox");
            c.run("e5 STORE 1 +FLAGS (\\Seen)").no();
            c.run("e6 EXPUNGE").no();
            c.run("e7 FETCH 1 BODY[]").ok();
            c.run("e8 FETCH 1 FLAGS").ok().has("* 1 FETCH (FLAGS (\\Deleted))");
            c.run("e9 CLOSE").ok().lacks("*");
            c.run("e10 SELECT INBOX").ok().has("* 2 EXISTS");
            c.run("e11 CLOSE").ok().lacks("* 1 EXPUNGE");
            c.run("e12 SELECT INBOX").ok().has("* 1 EXISTS");
            c.run("e13 CLOSE").ok();
            c.run("e14 FETCH 1 FLAGS").bad();
        }
    }

    @Test
    void appendWithLargeSynchronisingLiteralAndOverQuota() throws Exception {
        String user = server.newUser("big");
        server.server().directory().setQuota(user, 300_000);
        String big = "Subject: big\r\n\r\n" + "x".repeat(76) .concat("\r\n").repeat(2000);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.send("f1 APPEND INBOX {" + octets(big) + "}");
            c.expectPrefix("+ ");
            c.send(big);
            c.collect("f1").ok().code("APPENDUID");
            c.run("f2 EXAMINE INBOX").ok();
            var fetch = ImapData.fetch(c.run("f3 FETCH 1 (RFC822.SIZE BODY.PEEK[])").ok().one("* 1 FETCH"));
            assertEquals(big, fetch.get("BODY[]"));
            var quota = c.run("f4 GETQUOTAROOT INBOX").ok();
            quota.has("* QUOTAROOT \"INBOX\" \"\"");
            assertEquals("* QUOTA \"\" (STORAGE " + ((octets(big) + 1023) / 1024) + " 292)", quota.one("* QUOTA "));
            c.run("f5 GETQUOTA \"\"").ok().one("* QUOTA \"\" (STORAGE");
            c.run("f6 " + append("INBOX", "", big)).no().code("OVERQUOTA");
            c.run("f7 SETQUOTA \"\" (STORAGE 1)").no();
        }
    }

    @Test
    void checkUidCopyAndBinaryDecoding() throws Exception {
        String user = server.newUser("bin");
        String mime = "Subject: attached\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =\r\nau lait\r\n"
                + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC/w==\r\n"
                + "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-unheard-of\r\n\r\nzzz\r\n--b--\r\n";
        server.deliver(user, MSG);
        server.deliver(user, mime);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            long archive = uidValidity(c.run("g0 EXAMINE Archive").ok());
            c.run("g1 SELECT INBOX").ok();
            c.run("g2 CHECK").ok().lacks("* 1 EXPUNGE"); // RFC 3501 §6.4.1: a checkpoint, nothing to report
            c.run("g3 UID COPY 2,1 Archive").ok().code("COPYUID " + archive + " 1:2 1:2");
            c.run("g4 UID COPY 7 Archive").ok(); // RFC 9051 §6.4.8: no such UID is not an error
            // RFC 3516: BINARY[] returns the decoded content (the CRLF before a boundary belongs to it); a literal with 8-bit or NUL data is ~{n}
            var bin = ImapData.fetch(c.run("g5 FETCH 2 (BINARY.PEEK[1] BINARY.SIZE[1] BINARY.SIZE[2])").ok().one("* 2 FETCH"));
            assertEquals("café au lait", bin.get("BINARY[1]"));
            assertEquals(String.valueOf(octets("café au lait")), bin.get("BINARY.SIZE[1]").toString());
            assertEquals("4", bin.get("BINARY.SIZE[2]").toString());
            c.run("g6 FETCH 2 BINARY.PEEK[2]").ok().one("* 2 FETCH (BINARY[2] ~{4}");
            c.run("g7 FETCH 2 BINARY.PEEK[3]").no().code("UNKNOWN-CTE");
            c.run("g8 FETCH 2 FLAGS").ok().has("* 2 FETCH (FLAGS (\\Recent))");
        }
    }

    @Test
    void binaryOfALargePartIsDecodedWhileStreamed() throws Exception {
        String user = server.newUser("bigbin");
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 1_500_000; i++) text.append("line ").append(i).append(" caf\u00e9 au lait\r\n");
        StringBuilder qp = new StringBuilder(); // quoted-printable, soft line breaks kept under 76 octets
        for (String line : text.toString().split("\r\n")) {
            qp.append(line.replace("\u00e9", "=C3=A9")).append("\r\n");
        }
        String decoded = text.toString();
        String mime = "Subject: big text\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + qp + "--b--\r\n";
        server.deliver(user, mime);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("h1 EXAMINE INBOX").ok();
            String body = decoded.substring(0, decoded.length() - 2); // the CRLF before the boundary is not content
            var size = ImapData.fetch(c.run("h2 FETCH 1 (BINARY.SIZE[1])").ok().one("* 1 FETCH"));
            assertEquals(String.valueOf(octets(body)), size.get("BINARY.SIZE[1]").toString());
            var part = ImapData.fetch(c.run("h3 FETCH 1 (BINARY.PEEK[1]<1000000.40>)").ok().one("* 1 FETCH"));
            byte[] utf8 = body.getBytes(StandardCharsets.UTF_8);
            assertEquals(new String(utf8, 1_000_000, 40, StandardCharsets.UTF_8), part.get("BINARY[1]<1000000>"));
            var whole = ImapData.fetch(c.run("h4 FETCH 1 (BINARY.PEEK[1])").ok().one("* 1 FETCH"));
            assertEquals(body, whole.get("BINARY[1]"));
        }
    }
}
