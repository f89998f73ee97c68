package dev.letterbox.imap.server;

import static dev.letterbox.imap.server.ImapCatenateTest.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** URLAUTH (RFC 4467) and URLAUTH=BINARY (RFC 5524) over a real socket, with two users. */
class ImapUrlAuthTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static final String MIME = "From: a@example.org\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nplain part\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ=\r\n--b--\r\n";

    private static final Pattern SIGNED = Pattern.compile("^\\* GENURLAUTH \"([^\"]+)\"$");

    /** The URL of message {@code uid} of the user's INBOX, written from the address as user@domain. */
    static String rump(String user, long uid, String tail, String access) {
        String local = user.substring(0, user.indexOf('@'));
        String domain = user.substring(user.indexOf('@') + 1);
        return "imap://" + local + "@" + domain + "/INBOX/;UID=" + uid + tail + ";URLAUTH=" + access;
    }

    static String sign(ImapTestClient c, String tag, String rump) throws Exception {
        String line = c.run(tag + " GENURLAUTH \"" + rump + "\" INTERNAL").ok().one("* GENURLAUTH");
        Matcher m = SIGNED.matcher(line);
        assertTrue(m.find(), line);
        String url = m.group(1);
        assertTrue(url.startsWith(rump + ":INTERNAL:") && url.length() == rump.length() + 10 + 64, url);
        return url;
    }

    @Test
    void signFetchAndReset() throws Exception {
        String owner = server.newUser("urlowner");
        String reader = server.newUser("urlreader");
        try (ImapTestClient a = ImapTestClient.login(server, owner); ImapTestClient b = ImapTestClient.login(server, reader)) {
            String caps = a.run("a0 CAPABILITY").ok().one("* CAPABILITY");
            assertTrue(caps.contains(" URLAUTH ") && caps.contains(" URLAUTH=BINARY") && caps.contains(" CATENATE"), caps);
            a.run("a1 APPEND INBOX " + lit(ImapMessageTest.MSG)).ok();
            a.run("a2 APPEND INBOX " + lit(MIME)).ok();
            String forOwner = sign(a, "a3", rump(owner, 1, "", "user+" + owner));
            String forAny = sign(a, "a4", rump(owner, 2, "/;SECTION=1", "authuser"));
            String forReader = sign(a, "a5", rump(owner, 1, "/;SECTION=HEADER.FIELDS%20(Subject)", "user+" + reader));

            a.run("a6 URLFETCH \"" + forOwner + "\"").ok()
                    .has("* URLFETCH \"" + forOwner + "\" {" + ImapMessageTest.octets(ImapMessageTest.MSG) + "}\r\n" + ImapMessageTest.MSG);
            // user+owner is only for the owner; authuser for anyone logged in; user+reader for the reader
            b.run("b1 URLFETCH \"" + forOwner + "\" \"" + forAny + "\" \"" + forReader + "\"").ok()
                    .has("* URLFETCH \"" + forOwner + "\" NIL \"" + forAny + "\" {10}\r\nplain part \""
                            + forReader + "\" {30}\r\nSubject: afternoon meeting\r\n\r\n");
            // a token changed in one digit, and one for another mailbox's rump, are refused
            String tampered = forAny.substring(0, forAny.length() - 1) + (forAny.endsWith("0") ? "1" : "0");
            b.run("b2 URLFETCH \"" + tampered + "\"").ok().has("* URLFETCH \"" + tampered + "\" NIL");
            b.run("b3 URLFETCH \"" + forAny.replace("/INBOX/", "/Sent/") + "\"").ok().one("* URLFETCH").endsWith(" NIL");

            // RFC 5524: BINARY undoes the transfer encoding; BODYPARTSTRUCTURE describes the part, next to
            // BINARY in its decoded size (as Dovecot answers)
            String binary = sign(a, "a7", rump(owner, 2, "/;SECTION=2", "authuser"));
            b.run("b4 URLFETCH (\"" + binary + "\" BINARY BODYPARTSTRUCTURE)").ok()
                    .has("* URLFETCH \"" + binary + "\" (BODYPARTSTRUCTURE (\"application\" \"octet-stream\" NIL NIL NIL \"base64\" 11"
                            + " NIL NIL NIL NIL) BINARY {11}\r\nhello world)");
            b.run("b5 URLFETCH (\"" + binary + "\" BODY)").ok().has("* URLFETCH \"" + binary + "\" (BODY {16}\r\naGVsbG8gd29ybGQ=)");

            // the owner only may sign; a rump that names nothing, or has a token, or an unknown access, is refused
            b.run("b6 GENURLAUTH \"" + rump(owner, 1, "", "authuser") + "\" INTERNAL").no().code("BADURL");
            a.run("a8 GENURLAUTH \"" + rump(owner, 9, "", "authuser") + "\" INTERNAL").no().code("BADURL");
            a.run("a9 GENURLAUTH \"" + forOwner + "\" INTERNAL").no().code("BADURL");
            a.run("a10 GENURLAUTH \"" + rump(owner, 1, "", "everyone") + "\" INTERNAL").no().code("BADURL");
            a.run("a11 GENURLAUTH \"" + rump(owner, 1, "", "authuser") + "\" XSHA1").no();
            a.run("a12 GENURLAUTH \"/INBOX/;UID=1;URLAUTH=authuser\" INTERNAL").no().code("BADURL");
            // EXPIRE in the past: signed, but fetches nothing
            String expired = sign(a, "a13", "imap://" + owner.replace("@", "%40") + "@localhost/INBOX/;UID=1;EXPIRE=2001-01-01T00:00:00Z;URLAUTH=authuser");
            b.run("b7 URLFETCH \"" + expired + "\"").ok().has("* URLFETCH \"" + expired + "\" NIL");

            // RESETKEY of the mailbox: every URL signed before fetches nothing; a new one works
            a.run("a14 RESETKEY INBOX").ok().code("URLMECH INTERNAL");
            b.run("b8 URLFETCH \"" + forAny + "\"").ok().has("* URLFETCH \"" + forAny + "\" NIL");
            String again = sign(a, "a15", rump(owner, 2, "/;SECTION=1", "authuser"));
            assertTrue(!again.equals(forAny), "a new key signs differently");
            b.run("b9 URLFETCH \"" + again + "\"").ok().has("* URLFETCH \"" + again + "\" {10}\r\nplain part");
            a.run("a16 RESETKEY").ok();
            b.run("b10 URLFETCH \"" + again + "\"").ok().has("* URLFETCH \"" + again + "\" NIL");
            a.run("a17 RESETKEY Nowhere").no();
            a.run("a18 RESETKEY INBOX XSHA1").no();

            // CATENATE takes a signed URL of another user's message
            String catUrl = sign(a, "a19", rump(owner, 1, "", "user+" + reader));
            b.run("b11 APPEND INBOX CATENATE (URL \"" + catUrl + "\")").ok().code("APPENDUID");
            b.run("b12 SELECT INBOX").ok();
            assertEquals(ImapMessageTest.MSG, new String(b.literalOf("b13 FETCH 1 BODY.PEEK[]"), java.nio.charset.StandardCharsets.UTF_8));
            b.run("b14 URLFETCH").bad();
            b.run("b15 URLFETCH (\"x\" FOO)").bad();
            b.run("b16 NOOP").ok();
        }
    }
}
