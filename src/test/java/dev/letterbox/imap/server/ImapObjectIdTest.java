package dev.letterbox.imap.server;

import static dev.letterbox.imap.server.ImapMessageTest.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** OBJECTID (RFC 8474), SAVEDATE (RFC 8514), WITHIN (RFC 5032) and PREVIEW (RFC 8970) over a real socket. */
class ImapObjectIdTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static final Pattern ID = Pattern.compile("\\(([A-Za-z0-9_-]{1,255})\\)");

    private static String id(String line, String item) {
        Matcher m = ID.matcher(line.substring(line.indexOf(item) + item.length()));
        assertTrue(m.find(), "no " + item + " objectid in " + line);
        return m.group(1);
    }

    @Test
    void capabilitiesAreAnnounced() throws Exception {
        String user = server.newUser("caps");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            String caps = c.run("c1 CAPABILITY").ok().one("* CAPABILITY");
            for (String cap : new String[] {"OBJECTID", "SAVEDATE", "PREVIEW", "WITHIN"}) {
                assertTrue((caps + " ").contains(" " + cap + " "), cap + " missing in " + caps);
            }
        }
    }

    /** RFC 8474 §4: CREATE, SELECT and STATUS give one MAILBOXID that survives RENAME and differs per mailbox. */
    @Test
    void mailboxIdIsStableAcrossRename() throws Exception {
        String user = server.newUser("mboxid");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            var created = c.run("m1 CREATE Projects").ok().code("MAILBOXID");
            String id = id(created.tagged(), "MAILBOXID");
            assertEquals("* STATUS \"Projects\" (MAILBOXID (" + id + ") MESSAGES 0)",
                    c.run("m2 STATUS Projects (MAILBOXID MESSAGES)").ok().one("* STATUS"));
            c.run("m3 RENAME Projects Work").ok();
            c.run("m4 SELECT Work").ok().has("* OK [MAILBOXID (" + id + ")] Ok");
            String inbox = id(c.run("m5 STATUS INBOX (MAILBOXID)").ok().one("* STATUS"), "MAILBOXID");
            assertNotEquals(id, inbox);
            c.run("m6 STATUS INBOX (MAILBOXID MAILBOX)").bad();
        }
    }

    /** RFC 8474 §5: EMAILID is shared by a copy, differs between messages; THREADID NIL; SEARCH EMAILID finds it. */
    @Test
    void emailIdFollowsCopies() throws Exception {
        String user = server.newUser("emailid");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("e1 " + append("INBOX", "", ImapMessageTest.MSG)).ok();
            c.run("e2 " + append("INBOX", "", ImapMessageTest.MSG)).ok();
            c.run("e3 CREATE Other").ok();
            c.run("e4 SELECT INBOX").ok();
            var f = c.run("e5 FETCH 1:2 (EMAILID THREADID)").ok();
            String first = id(f.one("* 1 FETCH"), "EMAILID");
            String second = id(f.one("* 2 FETCH"), "EMAILID");
            assertNotEquals(first, second);
            assertEquals("* 1 FETCH (EMAILID (" + first + ") THREADID NIL)", f.one("* 1 FETCH"));
            c.run("e6 SEARCH EMAILID " + second).ok().has("* SEARCH 2");
            c.run("e7 SEARCH THREADID T1").ok().has("* SEARCH");
            c.run("e8 SEARCH EMAILID bad!id").bad();
            c.run("e9 COPY 1 Other").ok();
            c.run("e10 SELECT Other").ok();
            assertEquals("* 1 FETCH (UID 1 EMAILID (" + first + "))", c.run("e11 UID FETCH 1 EMAILID").ok().one("* 1 FETCH"));
        }
    }

    /**
     * RFC 8514: SAVEDATE is when the message entered this mailbox, not its INTERNALDATE given by
     * APPEND; a copy has its own. SAVEDON/SAVEDSINCE/SAVEDBEFORE search by that day.
     */
    @Test
    void saveDateIsWhenSavedHere() throws Exception {
        String user = server.newUser("savedate");
        String today = LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ENGLISH));
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            String msg = ImapMessageTest.MSG;
            c.run("s1 APPEND INBOX \"07-Feb-1994 21:52:25 -0800\" {" + ImapMessageTest.octets(msg) + "+}\r\n" + msg).ok();
            c.run("s2 SELECT INBOX").ok();
            String line = c.run("s3 FETCH 1 (INTERNALDATE SAVEDATE)").ok().one("* 1 FETCH");
            assertTrue(line.startsWith("* 1 FETCH (INTERNALDATE \"08-Feb-1994 05:52:25 +0000\" SAVEDATE \""), line);
            String saved = line.substring(line.indexOf("SAVEDATE \"") + 10, line.indexOf("SAVEDATE \"") + 21);
            assertEquals(LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("dd-MMM-yyyy", Locale.ENGLISH)), saved);
            c.run("s4 SEARCH SAVEDON " + today).ok().has("* SEARCH 1");
            c.run("s5 SEARCH SAVEDSINCE 1-Jan-2000").ok().has("* SEARCH 1");
            c.run("s6 SEARCH SAVEDBEFORE " + today).ok().has("* SEARCH");
            c.run("s7 SEARCH ON 8-Feb-1994").ok().has("* SEARCH 1");
            c.run("s8 SEARCH SAVEDATESUPPORTED").ok().has("* SEARCH 1");
            c.run("s9 SEARCH SAVEDON 31-Foo-2020").bad();
            c.run("s10 NOOP").ok();
        }
    }

    /** RFC 5032: YOUNGER/OLDER compare INTERNALDATE with now, in seconds. */
    @Test
    void youngerAndOlder() throws Exception {
        String user = server.newUser("within");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            String msg = ImapMessageTest.MSG;
            c.run("w1 APPEND INBOX \"07-Feb-1994 21:52:25 -0800\" {" + ImapMessageTest.octets(msg) + "+}\r\n" + msg).ok();
            c.run("w2 " + append("INBOX", "", msg)).ok(); // internal date: now
            c.run("w3 SELECT INBOX").ok();
            c.run("w4 SEARCH YOUNGER 3600").ok().has("* SEARCH 2");
            c.run("w5 SEARCH OLDER 3600").ok().has("* SEARCH 1");
            c.run("w6 UID SEARCH OR YOUNGER 86400 OLDER 86400").ok().has("* SEARCH 1 2");
            c.run("w7 SEARCH YOUNGER 0").bad();
            c.run("w8 SEARCH OLDER -5").bad();
            c.run("w9 SEARCH OLDER").bad();
        }
    }

    /** RFC 8970: the first text part, HTML stripped, white space made one space, at most 256 characters. */
    @Test
    void previewOfPlainHtmlAndLongText() throws Exception {
        String user = server.newUser("preview");
        String html = "From: a@example.org\r\nSubject: html\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "<html><head><title>x</title><style>p{}</style></head><body><p>Gr=C3=BC=C3=9Fe &amp;\r\n"
                + "   hello</p><br>\tworld<!-- hidden --></body></html>\r\n"
                + "--b\r\nContent-Type: text/plain; name=a.txt\r\nContent-Disposition: attachment\r\n\r\nnot this\r\n--b--\r\n";
        String longText = "Subject: long\r\n\r\n" + "word ".repeat(100) + "\r\n";
        String noText = "Subject: img\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n";
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("p1 " + append("INBOX", "", ImapMessageTest.MSG)).ok();
            c.run("p2 " + append("INBOX", "", html)).ok();
            c.run("p3 " + append("INBOX", "", longText)).ok();
            c.run("p4 " + append("INBOX", "", noText)).ok();
            c.run("p5 SELECT INBOX").ok();
            c.run("p6 FETCH 1 PREVIEW").ok()
                    .has("* 1 FETCH (PREVIEW \"Hello Joe, do you think we can meet at 3:30 tomorrow?\")");
            String grusse = "Grüße & hello world";
            c.run("p7 FETCH 2 (PREVIEW (LAZY))").ok()
                    .has("* 2 FETCH (PREVIEW {" + ImapMessageTest.octets(grusse) + "}\r\n" + grusse + ")");
            String expected = ("word ".repeat(100)).substring(0, 256);
            c.run("p8 FETCH 3 PREVIEW").ok().has("* 3 FETCH (PREVIEW \"" + expected + "\")");
            c.run("p9 FETCH 4 (UID PREVIEW)").ok().has("* 4 FETCH (UID 4 PREVIEW \"\")");
            c.run("p10 FETCH 1 PREVIEW (FAST)").bad();
            c.run("p11 FETCH 1 (PREVIEW (LAZY LAZY))").bad();
            c.run("p12 FETCH 1 FLAGS").ok().has("* 1 FETCH (FLAGS (\\Recent))"); // PREVIEW sets no \Seen
        }
    }
}
