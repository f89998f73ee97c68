package dev.letterbox.smtp.server;

import static dev.letterbox.smtp.server.SmtpTesting.expect;
import static dev.letterbox.smtp.server.SmtpTesting.submission;

import dev.letterbox.auth.MailboxSharing;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Submission with "send as" granted (shared mailboxes): the owner's addresses become the grantee's senders. */
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
}
