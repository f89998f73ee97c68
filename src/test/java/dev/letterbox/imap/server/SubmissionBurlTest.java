package dev.letterbox.imap.server;

import static dev.letterbox.imap.server.ImapCatenateTest.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * BURL (RFC 4468) on submission: a message made of a BDAT chunk and the part a URLAUTH URL names,
 * signed over IMAP for "submit+user" and resolved by the same code as URLFETCH.
 */
class SubmissionBurlTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    /** One SMTP reply's lines (the last has a space after the code). */
    private static List<String> reply(LineClient c) throws Exception {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = c.readLine();
            lines.add(line);
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }

    private static LineClient submission(String user) throws Exception {
        LineClient c = server.connectTls("submissions");
        c.expectPrefix("220 ");
        c.send("EHLO client.example.org");
        assertTrue(reply(c).contains("250-BURL imap"), "BURL imap is offered on submission");
        String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
        c.send("AUTH PLAIN " + plain);
        c.expectPrefix("235 2.7.0");
        return c;
    }

    @Test
    void burlAddsTheUrlsPartToTheMessage() throws Exception {
        String sender = server.newUser("burlsender");
        String rcpt = server.newUser("burlrcpt");
        String body = "This text lives in the sender's Drafts.\r\n";
        String draft = "From: " + sender + "\r\nSubject: draft\r\n\r\n" + body;
        String url, forReader;
        try (ImapTestClient imap = ImapTestClient.login(server, sender)) {
            imap.run("i1 APPEND INBOX " + lit(draft)).ok();
            String local = sender.substring(0, sender.indexOf('@')), domain = sender.substring(sender.indexOf('@') + 1);
            url = ImapUrlAuthTest.sign(imap, "i2", "imap://" + local + "@" + domain + "/INBOX/;UID=1/;SECTION=TEXT;URLAUTH=submit+" + sender);
            forReader = ImapUrlAuthTest.sign(imap, "i3", "imap://" + local + "@" + domain + "/INBOX/;UID=1;URLAUTH=user+" + rcpt);
            // a submit+ URL is for the submission server, not for URLFETCH
            imap.run("i4 URLFETCH \"" + url + "\"").ok().has("* URLFETCH \"" + url + "\" NIL");
        }
        try (LineClient c = submission(sender)) {
            String head = "From: " + sender + "\r\nTo: " + rcpt + "\r\nSubject: forwarded\r\n\r\n";
            c.send("MAIL FROM:<" + sender + ">");
            c.expectPrefix("250 ");
            c.send("BURL " + url + " LAST");
            c.expectPrefix("503 "); // no recipient yet
            c.send("RCPT TO:<" + rcpt + ">");
            c.expectPrefix("250 ");
            c.send("BDAT " + head.length());
            c.sendRaw(head);
            c.expectPrefix("250 2.0.0");
            c.send("BURL " + url + " LAST");
            c.expectPrefix("250 2.0.0");
            // a URL for someone else, a changed token, no URL at all: the message fails, the session goes on
            c.send("MAIL FROM:<" + sender + ">");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<" + rcpt + ">");
            c.expectPrefix("250 ");
            c.send("BURL " + forReader + " LAST");
            c.expectPrefix("554 5.6.6");
            c.send("BURL " + url + " LAST");
            c.expectPrefix("503 5.5.1"); // the message already failed
            c.send("RSET");
            c.expectPrefix("250 ");
            c.send("MAIL FROM:<" + sender + ">");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<" + rcpt + ">");
            c.expectPrefix("250 ");
            c.send("BURL " + url.substring(0, url.length() - 2) + "00 LAST");
            c.expectPrefix("554 5.6.6");
            c.send("RSET");
            c.expectPrefix("250 ");
            c.send("BURL");
            c.expectPrefix("501 ");
            c.send("NOOP");
            c.expectPrefix("250 ");
        }
        List<String> inbox = server.inbox(rcpt);
        assertEquals(1, inbox.size(), inbox.toString());
        assertTrue(inbox.get(0).endsWith("Subject: forwarded\r\n\r\n" + body), inbox.get(0));
    }

    @Test
    void noBurlOnPort25() throws Exception {
        try (LineClient c = server.connect("smtp")) {
            c.expectPrefix("220 ");
            c.send("EHLO client.example.org");
            assertTrue(reply(c).stream().noneMatch(l -> l.contains("BURL")), "no BURL on port 25");
            c.send("BURL imap://x@example.test/INBOX/;UID=1;URLAUTH=anonymous:INTERNAL:00 LAST");
            c.expectPrefix("502 5.5.1");
        }
    }
}
