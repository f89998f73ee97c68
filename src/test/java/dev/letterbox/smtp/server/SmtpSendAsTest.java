package dev.letterbox.smtp.server;

import static dev.letterbox.smtp.server.SmtpTesting.expect;
import static dev.letterbox.smtp.server.SmtpTesting.submission;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.auth.MailboxSharing;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Submission with "send as" granted (shared mailboxes): the owner's addresses become the grantee's
 * senders; with "send on behalf", the owner's address may stand in From: while Sender: names the grantee.
 */
class SmtpSendAsTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void aGranteeMaySendAsTheOwnerAndItsAliasesOnlyWhileGranted() throws Exception {
        String team = server.newUser("team");
        String bob = server.newUser("bob");
        String carol = server.newUser("carol");
        String alias = "help-" + team;
        server.server().directory().addAlias(alias, team);
        MailboxSharing sharing = new MailboxSharing(server.server().store(), server.server().directory());
        try (LineClient c = submission(server, bob)) {
            c.send("MAIL FROM:<" + team + ">");
            expect(c, "553 5.7.1");

            sharing.sendAs(team, bob, true);
            for (String sender : new String[] {team, alias, team.replace("@", "+tag@"), bob}) {
                c.send("MAIL FROM:<" + sender + ">");
                expect(c, "250 2.1.0");
                c.send("RSET");
                expect(c, "250 2.0.0");
            }
            c.send("MAIL FROM:<" + carol + ">");
            expect(c, "553 5.7.1"); // only the owner that granted it

            sharing.sendAs(team, bob, false);
            c.send("MAIL FROM:<" + team + ">");
            expect(c, "553 5.7.1");
        }
        try (LineClient c = submission(server, team)) { // it goes one way only
            c.send("MAIL FROM:<" + bob + ">");
            expect(c, "553 5.7.1");
        }
    }

    private static String message(String from, String sender, String subject) {
        return "From: <" + from + ">\r\n" + (sender == null ? "" : "Sender: <" + sender + ">\r\n") + "Subject: " + subject
                + "\r\n\r\nbody\r\n";
    }

    @Test
    void onBehalfTheOwnersAddressMayBeTheFromWhileSenderNamesTheGrantee() throws Exception {
        String team = server.newUser("desk");
        String bob = server.newUser("assistant");
        String carol = server.newUser("colleague");
        String rcpt = server.newUser("reader");
        MailboxSharing sharing = new MailboxSharing(server.server().store(), server.server().directory());
        sharing.sendOnBehalf(team, bob, true);
        try (LineClient c = submission(server, bob)) {
            c.send("MAIL FROM:<" + team + ">");
            expect(c, "553 5.7.1"); // on behalf is not "send as": the envelope stays bob's

            SmtpTesting.transaction(c, bob, rcpt, message(team, null, "one"));
            expect(c, "250 2.0.0"); // no Sender: the server adds bob's
            SmtpTesting.transaction(c, bob, rcpt, message(team, bob.replace("@", "+x@"), "two"));
            expect(c, "250 2.0.0"); // bob's own (tagged) Sender: is kept
            SmtpTesting.transaction(c, bob, rcpt, message(team, carol, "three"));
            expect(c, "550 5.7.1"); // someone else's
            SmtpTesting.transaction(c, bob, rcpt, message(bob, null, "four"));
            expect(c, "250 2.0.0"); // bob's own From: is bob's business
        }
        List<String> got = server.inbox(rcpt);
        assertEquals(3, got.size(), "the refused one is not delivered");
        assertTrue(got.get(0).contains("Sender: " + bob + "\r\n") && got.get(0).contains("From: <" + team + ">"), got.get(0));
        assertEquals(1, got.get(1).split("Sender:", -1).length - 1, got.get(1)); // nothing added
        assertFalse(got.get(2).contains("Sender:"), got.get(2));

        sharing.sendOnBehalf(team, bob, false);
        try (LineClient c = submission(server, bob)) {
            SmtpTesting.transaction(c, bob, rcpt, message(team, null, "five"));
            expect(c, "250 2.0.0"); // no longer on behalf: From: is not checked, and nothing is added
        }
        assertFalse(server.inbox(rcpt).get(3).contains("Sender:"));
        assertTrue(sharing.sendOnBehalfGrantees(team).isEmpty());
    }
}
