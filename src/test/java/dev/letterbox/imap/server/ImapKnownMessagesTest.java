package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A FETCH of ENVELOPE or a header section of messages fetched before is answered from the mailbox's
 * index and what the node keeps ({@link KnownMessages}), without a query for the rows: with the rows
 * removed behind the server's back (no change announced, so its index still has them), it still
 * answers. A server of its own: the test deletes rows.
 */
class ImapKnownMessagesTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void fetchOfKnownMessagesReadsNoRows() throws Exception {
        String user = server.newUser("known");
        server.deliver(user, "From: Dora Day <dora@example.org>\r\nTo: team@example.test\r\nSubject: figures\r\n\r\nbody\r\n");
        server.deliver(user, "From: Eve <eve@example.org>\r\nTo: team@example.test\r\nSubject: lunch\r\n\r\nbody\r\n");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("f1 SELECT INBOX").ok();
            ImapTestClient.Response first = c.run("f2 FETCH 1:2 (ENVELOPE)").ok();
            assertTrue(first.one("* 1 FETCH").contains("\"figures\""));
            c.run("f3 STORE 2 +FLAGS (\\Flagged)").ok();
            try (Connection db = DriverManager.getConnection(server.jdbcUrl()); Statement st = db.createStatement()) {
                st.executeUpdate("DELETE FROM message");
            }
            String again = c.run("f4 FETCH 2 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])").ok().one("* 2 FETCH");
            assertTrue(again.startsWith("* 2 FETCH (FLAGS (\\Flagged \\Recent) BODY[HEADER.FIELDS (SUBJECT)] {18}"), again);
            assertTrue(again.contains("Subject: lunch"), again);
            assertTrue(c.run("f5 UID FETCH 1 (ENVELOPE)").ok().one("* 1 FETCH").contains("\"figures\""));
        }
    }

    /**
     * A message this node appended is known at once: a FETCH of its ENVELOPE or header, by another
     * session, needs no query for its row (clients fetch what they append). Without it the FETCH
     * reads the deleted row and answers with nothing for the message.
     */
    @Test
    void fetchOfAMessageAppendedHereReadsNoRows() throws Exception {
        String user = server.newUser("appender");
        byte[] message = "From: Fay <fay@example.org>\r\nSubject: appended\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        try (ImapTestClient appender = ImapTestClient.login(server, user);
             ImapTestClient reader = ImapTestClient.login(server, user)) {
            reader.run("r1 SELECT INBOX").ok();
            appender.raw.sendRaw(("a1 APPEND INBOX {" + message.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            appender.raw.sendRaw(message);
            appender.raw.sendRaw("\r\n".getBytes(StandardCharsets.US_ASCII));
            appender.collect("a1").ok();
            reader.run("r2 NOOP").ok(); // the EXISTS: the index has the message
            try (Connection db = DriverManager.getConnection(server.jdbcUrl()); Statement st = db.createStatement()) {
                st.executeUpdate("DELETE FROM message");
            }
            String fetched = reader.run("r3 FETCH 1 (ENVELOPE BODY.PEEK[HEADER.FIELDS (SUBJECT)])").ok().one("* 1 FETCH");
            assertTrue(fetched.contains("\"appended\""), fetched);
            assertTrue(fetched.contains("Subject: appended"), fetched);
        }
    }
}
