package dev.letterbox.imap.server;

import static dev.letterbox.imap.server.ImapCatenateTest.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * BINARY of a whole message, a multipart or a message/rfc822 part (RFC 3516, RFC 5524 URLFETCH):
 * every base64 / quoted-printable leaf inside decoded, its Content-Transfer-Encoding fields replaced
 * by "Content-Transfer-Encoding: binary" at the end of its header — what Dovecot answers (checked
 * against Dovecot 2.3 with the message of imaptest's urlauth-binary test).
 */
class ImapBinaryFormTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    /** imaptest's urlauth-binary.mbox: a message/rfc822 part holding two base64 parts (one with ragged white space). */
    static final String NESTED = "From: user@domain.org\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\nMime-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"foo\r\n bar\"\r\n\r\nRoot MIME prologue\r\n\r\n"
            + "--foo bar\r\nContent-Type: message/rfc822\r\n\r\n"
            + "From: sub@domain.org\r\nDate: Sun, 12 Aug 2012 12:34:56 +0300\r\nSubject: submsg\r\n"
            + "Content-Type: multipart/alternative; boundary=\"sub1\"\r\n\r\nSub MIME prologue\r\n"
            + "--sub1\r\nContent-Type: text/x-myown; charset=us-ascii\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "aGVs\r\nbG8gd29y\r\nbGQ=\r\n\r\n"
            + "--sub1\r\nContent-Type: text/x-myown; charset=us-ascii\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "  aGVs    \r\n bG8g  \r\n   d29y  \t \r\n    bGQ= \r\n\r\n\r\n"
            + "--sub1--\r\nSub MIME epilogue\r\n\r\n--foo bar--\r\nRoot MIME epilogue\r\n";

    static final String DECODED_SUB = "From: sub@domain.org\r\nDate: Sun, 12 Aug 2012 12:34:56 +0300\r\nSubject: submsg\r\n"
            + "Content-Type: multipart/alternative; boundary=\"sub1\"\r\n\r\nSub MIME prologue\r\n"
            + "--sub1\r\nContent-Type: text/x-myown; charset=us-ascii\r\nContent-Transfer-Encoding: binary\r\n\r\nhello world\r\n"
            + "--sub1\r\nContent-Type: text/x-myown; charset=us-ascii\r\nContent-Transfer-Encoding: binary\r\n\r\nhello world\r\n"
            + "--sub1--\r\nSub MIME epilogue\r\n";

    static final String DECODED_WHOLE = "From: user@domain.org\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\nMime-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"foo\r\n bar\"\r\n\r\nRoot MIME prologue\r\n\r\n"
            + "--foo bar\r\nContent-Type: message/rfc822\r\n\r\n" + DECODED_SUB
            + "\r\n--foo bar--\r\nRoot MIME epilogue\r\n";

    /** A field after the encoding, a quoted-printable part, and an 8bit part left alone. */
    static final String FIELDS_AFTER = "From: a@b.c\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
            + "--b1\r\nContent-Transfer-Encoding: BASE64\r\nContent-Type: text/plain\r\nX-After: yes\r\n\r\naGVsbG8=\r\n"
            + "--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\nX-Last: 1\r\n\r\na=3Db soft=\r\nbreak\r\n"
            + "--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\nplain\r\n--b1--\r\n";

    static final String FIELDS_AFTER_DECODED = "From: a@b.c\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain\r\nX-After: yes\r\nContent-Transfer-Encoding: binary\r\n\r\nhello\r\n"
            + "--b1\r\nContent-Type: text/plain\r\nX-Last: 1\r\nContent-Transfer-Encoding: binary\r\n\r\na=b softbreak\r\n"
            + "--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\nplain\r\n--b1--\r\n";

    private static String fetched(ImapTestClient c, String command) throws Exception {
        return new String(c.literalOf(command), StandardCharsets.UTF_8);
    }

    @Test
    void fetchBinaryDecodesThePartsInside() throws Exception {
        String user = server.newUser("binform");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("a0 APPEND INBOX " + lit(NESTED)).ok();
            c.run("a0 APPEND INBOX " + lit(FIELDS_AFTER)).ok();
            c.run("a0 APPEND INBOX " + lit(ImapMessageTest.MSG)).ok();
            c.run("a1 EXAMINE INBOX").ok();
            assertEquals(DECODED_WHOLE, fetched(c, "a2 FETCH 1 BINARY.PEEK[]"));
            assertEquals(DECODED_SUB, fetched(c, "a3 FETCH 1 BINARY.PEEK[1]"));
            c.run("a4 FETCH 1 (BINARY.SIZE[] BINARY.SIZE[1])").ok().has("* 1 FETCH (BINARY.SIZE[] 626 BINARY.SIZE[1] 390)");
            assertEquals("hello world", fetched(c, "a5 FETCH 1 BINARY.PEEK[1.1]"));
            // a part of the binary form: the same octets as the whole one, cut
            assertEquals(DECODED_SUB.substring(100, 150), fetched(c, "a6 FETCH 1 BINARY.PEEK[1]<100.50>"));
            assertEquals(FIELDS_AFTER_DECODED, fetched(c, "a7 FETCH 2 BINARY.PEEK[]"));
            c.run("a8 FETCH 2 BINARY.SIZE[]").ok().has("* 2 FETCH (BINARY.SIZE[] " + FIELDS_AFTER_DECODED.length() + ")");
            // nothing to decode: the stored octets
            assertEquals(ImapMessageTest.MSG, fetched(c, "a9 FETCH 3 BINARY.PEEK[]"));
            // BODY is never decoded
            assertEquals(NESTED, fetched(c, "a10 FETCH 1 BODY.PEEK[]"));
        }
    }

    @Test
    void unknownEncodingInsideFailsTheWholeMessage() throws Exception {
        String user = server.newUser("binunknown");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("b0 APPEND INBOX " + lit(FIELDS_AFTER.replace("8bit", "x-uuencode"))).ok();
            c.run("b1 EXAMINE INBOX").ok();
            c.run("b2 FETCH 1 BINARY.PEEK[]").no().code("UNKNOWN-CTE");
            c.run("b3 FETCH 1 BINARY.SIZE[]").no().code("UNKNOWN-CTE");
            assertEquals("hello", fetched(c, "b4 FETCH 1 BINARY.PEEK[1]"));
        }
    }

    /** imaptest urlauth-binary: BINARY of the message/rfc822 part; BODYPARTSTRUCTURE next to BINARY has the decoded sizes. */
    @Test
    void urlFetchBinaryOfAMessagePart() throws Exception {
        String user = server.newUser("urlbinform");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("c1 APPEND INBOX " + lit(NESTED)).ok();
            String sub = ImapUrlAuthTest.sign(c, "c2", ImapUrlAuthTest.rump(user, 1, "/;SECTION=1", "user+" + user));
            String leaf = ImapUrlAuthTest.sign(c, "c3", ImapUrlAuthTest.rump(user, 1, "/;SECTION=1.1", "user+" + user));
            c.run("c4 URLFETCH (\"" + sub + "\" BINARY)").ok()
                    .has("* URLFETCH \"" + sub + "\" (BINARY {390}\r\n" + DECODED_SUB + ")");
            String envelope = "(\"Sun, 12 Aug 2012 12:34:56 +0300\" \"submsg\" ((NIL NIL \"sub\" \"domain.org\"))"
                    + " ((NIL NIL \"sub\" \"domain.org\")) ((NIL NIL \"sub\" \"domain.org\")) NIL NIL NIL NIL NIL)";
            String text = "(\"text\" \"x-myown\" (\"charset\" \"us-ascii\") NIL NIL \"base64\" ";
            c.run("c5 URLFETCH (\"" + sub + "\" BODYPARTSTRUCTURE)").ok()
                    .has("* URLFETCH \"" + sub + "\" (BODYPARTSTRUCTURE (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 437 " + envelope
                            + " (" + text + "22 3 NIL NIL NIL NIL)" + text + "47 5 NIL NIL NIL NIL)"
                            + " \"alternative\" (\"boundary\" \"sub1\") NIL NIL NIL) 26 NIL NIL NIL NIL))");
            c.run("c6 URLFETCH (\"" + sub + "\" BINARY BODYPARTSTRUCTURE)").ok()
                    .has("* URLFETCH \"" + sub + "\" (BODYPARTSTRUCTURE (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 390 " + envelope
                            + " (" + text + "11 0 NIL NIL NIL NIL)" + text + "11 0 NIL NIL NIL NIL)"
                            + " \"alternative\" (\"boundary\" \"sub1\") NIL NIL NIL) 18 NIL NIL NIL NIL) BINARY {390}\r\n" + DECODED_SUB + ")");
            c.run("c7 URLFETCH (\"" + leaf + "\" BINARY BODYPARTSTRUCTURE)").ok()
                    .has("* URLFETCH \"" + leaf + "\" (BODYPARTSTRUCTURE " + text + "11 0 NIL NIL NIL NIL) BINARY {11}\r\nhello world)");
        }
    }
}
