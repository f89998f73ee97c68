package dev.letterbox.imap.server;

import static dev.letterbox.imap.server.ImapMessageTest.octets;
import static dev.letterbox.imap.server.ImapMessageTest.uidValidity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MULTIAPPEND (RFC 3502) and CATENATE (RFC 4469) over a real socket; APPENDLIMIT is 4 KiB here. */
class ImapCatenateTest {
    @RegisterExtension
    static final TestServer server = new TestServer("[imap]\nappend_limit = 4096\n");

    static final String ONE = "From: a@example.org\r\nSubject: one\r\n\r\nfirst body\r\n";
    static final String TWO = "From: b@example.org\r\nSubject: two\r\n\r\nsecond body\r\n";

    static String lit(String s) {
        return "{" + octets(s) + "+}\r\n" + s;
    }

    private static String body(ImapTestClient c, String tag, int msn) throws Exception {
        return new String(c.literalOf(tag + " FETCH " + msn + " BODY.PEEK[]"), StandardCharsets.UTF_8);
    }

    /** RFC 3502: every message stored, UIDs in one APPENDUID, one EXISTS; all or none. */
    @Test
    void multiappendStoresAllOrNone() throws Exception {
        String user = server.newUser("multi");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            var sel = c.run("m1 SELECT INBOX").ok();
            long v = uidValidity(sel);
            var app = c.run("m2 APPEND INBOX (\\Seen) " + lit(ONE) + " (\\Flagged) \"07-Feb-1994 21:52:25 -0800\" " + lit(TWO)).ok();
            assertEquals("m2 OK [APPENDUID " + v + " 1:2] APPEND completed", app.tagged());
            app.has("* 2 EXISTS");
            String second = c.run("m3 FETCH 2 (FLAGS INTERNALDATE)").ok().one("* 2 FETCH");
            assertTrue(second.contains("\\Flagged") && second.endsWith(" INTERNALDATE \"08-Feb-1994 05:52:25 +0000\")"), second);
            assertEquals(ONE, body(c, "m4", 1));
            assertEquals(TWO, body(c, "m5", 2));
            // the second message has an unknown system flag: BAD, and the first is not stored either
            c.run("m6 APPEND INBOX " + lit(ONE) + " (\\Bogus) " + lit(TWO)).bad();
            // the second is empty: NO, nothing stored
            c.run("m7 APPEND INBOX " + lit(ONE) + " {0+}\r\n").no();
            c.run("m8 NOOP").ok().lacks("* 3 EXISTS");
            c.run("m9 STATUS INBOX (MESSAGES UIDNEXT)").ok().has("* STATUS \"INBOX\" (MESSAGES 2 UIDNEXT 3)");
            c.run("m10 APPEND Nowhere " + lit(ONE) + " " + lit(TWO)).no().code("TRYCREATE");
        }
    }

    /** RFC 4469: TEXT and URL parts (whole message, HEADER, TEXT, a part, PARTIAL) joined in order. */
    @Test
    void catenateJoinsTextAndUrlParts() throws Exception {
        String user = server.newUser("cat");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("c1 APPEND INBOX " + lit(ONE)).ok();
            long v = uidValidity(c.run("c2 SELECT INBOX").ok());
            c.run("c3 CREATE Drafts2").ok();
            String hdr = "From: a@example.org\r\nSubject: one\r\n\r\n";
            var app = c.run("c4 APPEND Drafts2 (\\Draft) CATENATE (URL \"/INBOX;UIDVALIDITY=" + v + "/;UID=1/;SECTION=HEADER\" TEXT "
                    + lit("new text\r\n") + " URL \"/INBOX/;UID=1/;SECTION=TEXT\")").ok().code("APPENDUID");
            assertTrue(app.tagged().contains(" 1]"), app.tagged());
            String whole = "imap://" + user.replace("@", "%40") + "@localhost/INBOX/;UID=1";
            c.run("c5 APPEND Drafts2 CATENATE (URL \"" + whole + "\" TEXT " + lit("tail\r\n") + ")").ok();
            c.run("c6 APPEND Drafts2 CATENATE (TEXT " + lit("Subject: x\r\n\r\n") + " URL \"/INBOX/;UID=1/;SECTION=1/;PARTIAL=6.4\")").ok();
            // MULTIAPPEND with CATENATE
            c.run("c7 APPEND Drafts2 CATENATE (URL \"/INBOX/;UID=1\") " + lit(TWO)).ok().code("APPENDUID");
            c.run("c8 SELECT Drafts2").ok().has("* 5 EXISTS");
            assertEquals(hdr + "new text\r\nfirst body\r\n", body(c, "c9", 1));
            assertEquals(ONE + "tail\r\n", body(c, "c10", 2));
            assertEquals("Subject: x\r\n\r\nbody", body(c, "c11", 3));
            assertEquals(ONE, body(c, "c12", 4));
            assertEquals(TWO, body(c, "c13", 5));
            c.run("c14 FETCH 1 FLAGS").ok().has("* 1 FETCH (FLAGS (\\Draft \\Recent))");
        }
    }

    /** RFC 4469 §5: a URL naming nothing is NO [BADURL url]; too big is [TOOBIG]; nothing is stored; TRYCREATE first. */
    @Test
    void badUrlsAndLimits() throws Exception {
        String user = server.newUser("catbad");
        String other = server.newUser("catother");
        try (ImapTestClient o = ImapTestClient.login(server, other)) {
            o.run("o1 APPEND INBOX " + lit(ONE)).ok();
        }
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("b1 APPEND INBOX " + lit(ONE)).ok();
            c.run("b2 SELECT INBOX").ok();
            c.run("b3 APPEND INBOX CATENATE (TEXT " + lit("h: 1\r\n") + " URL \"/INBOX;UIDVALIDITY=12345/;UID=1/;SECTION=HEADER\")")
                    .no().code("BADURL /INBOX;UIDVALIDITY=12345/;UID=1/;SECTION=HEADER");
            c.run("b4 APPEND INBOX CATENATE (URL \"/INBOX/;UID=9\")").no().code("BADURL");
            c.run("b5 APPEND INBOX CATENATE (URL \"/INBOX/;UID=1/;SECTION=7\")").no().code("BADURL");
            c.run("b6 APPEND INBOX CATENATE (URL \"not a url\")").no().code("BADURL");
            c.run("b7 APPEND INBOX CATENATE (URL \"/INBOX/;UID=1/;SECTION=HEADER.FIELDS%20(FROM\")").no().code("BADURL");
            // another user's mailbox is not this user's to read without URLAUTH
            String theirs = "imap://" + other.replace("@", "%40") + "@localhost/INBOX/;UID=1";
            c.run("b8 APPEND INBOX CATENATE (URL \"" + theirs + "\")").no().code("BADURL");
            // a good URL before a bad one in a MULTIAPPEND: nothing stored
            c.run("b9 APPEND INBOX CATENATE (URL \"/INBOX/;UID=1\") CATENATE (URL \"/INBOX/;UID=2\")").no().code("BADURL");
            // 4 KiB: three copies of a 1.5 KiB message are too big
            String big = "Subject: big\r\n\r\n" + "x".repeat(1500) + "\r\n";
            c.run("b10 APPEND INBOX " + lit(big)).ok();
            c.run("b11 APPEND INBOX CATENATE (URL \"/INBOX/;UID=2\" URL \"/INBOX/;UID=2\" URL \"/INBOX/;UID=2\")").no().code("TOOBIG");
            c.run("b12 APPEND INBOX CATENATE (URL \"/INBOX/;UID=2\" URL \"/INBOX/;UID=2\")").ok();
            c.run("b13 APPEND Nowhere CATENATE (URL \"/INBOX;UIDVALIDITY=12345/;UID=1\")").no().code("TRYCREATE");
            c.run("b14 APPEND INBOX CATENATE (TEXT {0+}\r\n)").no();
            c.run("b15 APPEND INBOX CATENATE (BODY " + lit("x") + ")").bad();
            c.run("b16 STATUS INBOX (MESSAGES)").ok().has("* STATUS \"INBOX\" (MESSAGES 3)");
        }
    }
}
