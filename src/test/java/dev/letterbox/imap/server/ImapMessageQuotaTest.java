package dev.letterbox.imap.server;

import static dev.letterbox.imap.server.ImapCatenateTest.lit;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RFC 9208 QUOTA=RES-MESSAGE: the account's message count limit, reported and enforced over IMAP. */
class ImapMessageQuotaTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void messageLimitIsReportedAndEnforced() throws Exception {
        String user = server.newUser("msgquota");
        server.server().directory().setMessageQuota(user, 2);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            String caps = c.run("a0 CAPABILITY").ok().one("* CAPABILITY");
            assertTrue(caps.contains(" QUOTA=RES-MESSAGE") && caps.contains(" QUOTA=RES-STORAGE"), caps);
            c.run("a1 GETQUOTAROOT INBOX").ok().has("* QUOTAROOT \"INBOX\" \"\"").has("* QUOTA \"\" (MESSAGE 0 2)");
            c.run("a2 APPEND INBOX " + lit("Subject: one\r\n\r\n1\r\n")).ok();
            c.run("a3 APPEND Archive " + lit("Subject: two\r\n\r\n2\r\n")).ok();
            c.run("a4 GETQUOTA \"\"").ok().has("* QUOTA \"\" (MESSAGE 2 2)");
            // §5.2: one more message, by any way in, is refused whole
            c.run("a5 APPEND INBOX " + lit("Subject: three\r\n\r\n3\r\n")).no().code("OVERQUOTA");
            c.run("a6 SELECT INBOX").ok().has("* 1 EXISTS");
            c.run("a7 COPY 1 Archive").no().code("OVERQUOTA");
            // a move adds nothing to the count: allowed at the limit (making room, RFC 6851 §3.3)
            c.run("a8 MOVE 1 Trash").ok();
            c.run("a9 GETQUOTA \"\"").ok().has("* QUOTA \"\" (MESSAGE 2 2)");
            c.run("a10 SELECT Trash").ok();
            c.run("a11 STORE 1 +FLAGS.SILENT (\\Deleted)").ok();
            c.run("a12 EXPUNGE").ok();
            c.run("a13 GETQUOTA \"\"").ok().has("* QUOTA \"\" (MESSAGE 1 2)");
            c.run("a14 APPEND INBOX " + lit("Subject: three\r\n\r\n3\r\n")).ok();

            // both limits: both resources listed
            server.server().directory().setQuota(user, 10 * 1024 * 1024);
            c.run("a15 GETQUOTA \"\"").ok().has("* QUOTA \"\" (STORAGE 1 10240 MESSAGE 2 2)");
            server.server().directory().setMessageQuota(user, 0);
            c.run("a16 GETQUOTA \"\"").ok().has("* QUOTA \"\" (STORAGE 1 10240)");
            server.server().directory().setQuota(user, 0);
            c.run("a17 GETQUOTA \"\"").no().code("NONEXISTENT");
            c.run("a18 GETQUOTAROOT INBOX").ok().has("* QUOTAROOT \"INBOX\"");
        }
    }
}
