package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 5465 NOTIFY over real sockets: two sessions of one account, one listening (also outside
 * IDLE: the responses arrive with no command in progress), the other making changes.
 */
class ImapNotifyTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static final String MSG = "Subject: hi\r\n\r\nhello\r\n";

    private static String append(String mailbox) {
        return ImapMessageTest.append(mailbox, "", MSG);
    }

    @Test
    void setStatusReportsEachMailboxWithTheItemsItsEventsNeed() throws Exception {
        String user = server.newUser("nstatus");
        try (ImapTestClient a = ImapTestClient.login(server, user)) {
            a.run("a1 CREATE Lists").ok();
            a.run("a2 " + append("Lists")).ok();
            var r = a.run("n1 NOTIFY SET STATUS (MAILBOXES Lists (MessageNew MessageExpunge))").ok();
            String status = r.one("* STATUS");
            assertTrue(status.matches("\\* STATUS \"Lists\" \\(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \\d+\\)"), status);
            r = a.run("n2 NOTIFY SET STATUS (MAILBOXES Lists (MessageExpunge))").ok();
            assertEquals("* STATUS \"Lists\" (MESSAGES 1)", r.one("* STATUS"));
            r = a.run("n3 NOTIFY SET STATUS (SUBTREE Lists (FlagChange))").ok();
            assertTrue(r.one("* STATUS").matches("\\* STATUS \"Lists\" \\(UIDVALIDITY \\d+ HIGHESTMODSEQ \\d+\\)"), r.untagged().toString());
            // without STATUS nothing is sent now; INBOXES is INBOX only
            a.run("n4 NOTIFY SET (MAILBOXES Lists (MessageNew MessageExpunge FlagChange))").ok().lacks("* STATUS");
            r = a.run("n5 NOTIFY SET STATUS (INBOXES (MessageNew MessageExpunge))").ok();
            assertTrue(r.one("* STATUS").startsWith("* STATUS \"INBOX\" (MESSAGES 0 UIDNEXT 1 "), r.untagged().toString());
        }
    }

    @Test
    void otherMailboxesChangesArriveWithoutACommandAndDuringIdle() throws Exception {
        String user = server.newUser("nother");
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("a1 CREATE Lists").ok();
            a.run("a2 SELECT INBOX").ok();
            a.run("n1 NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (PERSONAL (MessageNew MessageExpunge FlagChange))").ok();

            b.run("b1 " + append("Lists")).ok();
            String status = a.readResponse(); // no command in progress: pushed
            assertTrue(status.startsWith("* STATUS \"Lists\" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY "), status);

            a.send("a3 IDLE");
            a.expectLine("+ idling");
            b.run("b2 SELECT Lists").ok();
            b.run("b3 STORE 1 +FLAGS (\\Flagged)").ok();
            status = a.readResponse();
            assertTrue(status.matches("\\* STATUS \"Lists\" \\(UIDVALIDITY \\d+ UNSEEN 1 HIGHESTMODSEQ \\d+\\)"), status);
            b.run("b4 STORE 1 +FLAGS.SILENT (\\Deleted)").ok();
            a.readResponse(); // that flag change too
            b.run("b5 EXPUNGE").ok();
            assertEquals("* STATUS \"Lists\" (MESSAGES 0 UNSEEN 0)", a.readResponse());
            a.send("DONE");
            a.expectPrefix("a3 OK");

            // NONE: no more
            a.run("n2 NOTIFY NONE").ok();
            b.run("b6 " + append("Lists")).ok();
            a.run("a4 NOOP").ok().lacks("* STATUS");
        }
    }

    @Test
    void selectedMailboxPushesNewMessagesWithTheirFetchItems() throws Exception {
        String user = server.newUser("nselected");
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("a1 SELECT INBOX").ok();
            a.run("n1 NOTIFY SET (SELECTED (MessageNew (UID FLAGS RFC822.SIZE) MessageExpunge FlagChange))").ok();
            b.run("b1 " + append("INBOX")).ok();
            a.expectLine("* 1 EXISTS");
            a.expectLine("* 1 RECENT");
            a.expectLine("* 1 FETCH (UID 1 FLAGS (\\Recent) RFC822.SIZE " + MSG.length() + ")");
            b.run("b2 SELECT INBOX").ok();
            b.run("b3 STORE 1 +FLAGS (\\Deleted)").ok();
            assertEquals("* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))", a.readResponse());
            b.run("b4 EXPUNGE").ok();
            a.expectLine("* 1 EXPUNGE"); // SELECTED: expunges come at once
            a.run("a2 NOOP").ok().lacks("* 1 EXPUNGE");
        }
    }

    @Test
    void selectedDelayedHoldsExpungesUntilACommandAllowsThem() throws Exception {
        String user = server.newUser("ndelayed");
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            b.run("b0 " + append("INBOX")).ok();
            b.run("b1 " + append("INBOX")).ok();
            a.run("a1 SELECT INBOX").ok();
            a.run("n1 NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge FlagChange))").ok();
            b.run("b2 SELECT INBOX").ok();
            b.run("b3 STORE 1 +FLAGS.SILENT (\\Deleted)").ok();
            assertTrue(a.readResponse().startsWith("* 1 FETCH ("));
            b.run("b4 EXPUNGE").ok();
            b.run("b5 STORE 1 +FLAGS (\\Flagged)").ok(); // now message 1 for b, still message 2 for a
            String next = a.readResponse();
            assertTrue(next.startsWith("* 2 FETCH (") && next.contains("\\Flagged"), "no EXPUNGE before it: " + next);
            a.run("a2 FETCH 2 UID").ok().lacks("* 1 EXPUNGE"); // FETCH by number may not carry it
            a.run("a3 NOOP").ok().has("* 1 EXPUNGE");
        }
    }

    @Test
    void mailboxNamesAndSubscriptionsAreReportedAsList() throws Exception {
        String user = server.newUser("nnames");
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("n1 NOTIFY SET (PERSONAL (MailboxName SubscriptionChange))").ok();
            b.run("b1 CREATE Projects").ok();
            a.expectLine("* LIST () \"/\" \"Projects\"");
            b.run("b2 RENAME Projects Old").ok();
            a.expectLine("* LIST () \"/\" \"Old\" (\"OLDNAME\" (\"Projects\"))");
            b.run("b3 SUBSCRIBE Old").ok();
            a.expectLine("* LIST (\\Subscribed) \"/\" \"Old\"");
            b.run("b4 UNSUBSCRIBE Old").ok();
            a.expectLine("* LIST () \"/\" \"Old\"");
            b.run("b5 DELETE Old").ok();
            a.expectLine("* LIST (\\NonExistent) \"/\" \"Old\"");
        }
    }

    /** §5.9 and §5.10: METADATA naming the entries another session set, changed or removed. */
    @Test
    void metadataChangesAreReportedAsUnsolicitedMetadata() throws Exception {
        String user = server.newUser("nmeta");
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("a1 CREATE Lists").ok();
            b.run("b0 SETMETADATA Lists (/private/comment \"before\")").ok();
            a.run("n1 NOTIFY SET (MAILBOXES Lists (MailboxMetadataChange ServerMetadataChange))").ok();
            b.run("b1 SETMETADATA Lists (/private/comment \"after\" /shared/comment \"new\")").ok();
            a.expectLine("* METADATA \"Lists\" \"/private/comment\" \"/shared/comment\"");
            b.run("b2 SETMETADATA Lists (/shared/comment \"new\")").ok(); // the same value: nothing to tell
            b.run("b3 SETMETADATA \"\" (/private/vendor/x/motd \"hi\")").ok();
            a.expectLine("* METADATA \"\" \"/private/vendor/x/motd\"");
            b.run("b4 SETMETADATA Lists (/private/comment NIL)").ok();
            a.expectLine("* METADATA \"Lists\" \"/private/comment\"");
            // INBOX is outside the filter: its entries are not told of
            b.run("b5 SETMETADATA INBOX (/private/comment \"x\")").ok();
            a.run("a2 NOOP").ok().lacks("* METADATA");
            // the selected mailbox, with SELECTED (MailboxMetadataChange)
            a.run("a3 SELECT INBOX").ok();
            a.run("n2 NOTIFY SET (SELECTED (MailboxMetadataChange))").ok();
            b.run("b6 SETMETADATA INBOX (/private/comment \"y\")").ok();
            a.expectLine("* METADATA \"INBOX\" \"/private/comment\"");
            b.run("b7 SETMETADATA \"\" (/private/vendor/x/motd \"bye\")").ok();
            a.run("a4 NOOP").ok().lacks("* METADATA");
        }
    }

    @Test
    void unsupportedEventsAreRefusedWithBadEvent() throws Exception {
        try (ImapTestClient a = ImapTestClient.login(server, server.newUser("nbadevent"))) {
            a.run("n1 NOTIFY SET (PERSONAL (MessageNew MessageExpunge QuotaChange))").no()
                    .code("BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange"
                            + " MailboxMetadataChange ServerMetadataChange)");
            // no per-message annotations here (RFC 5257), so none can change
            a.run("n3 NOTIFY SET (PERSONAL (AnnotationChange))").no().code("BADEVENT");
            a.run("n2 NOTIFY SET (PERSONAL (Bogus))").no().code("BADEVENT");
        }
    }

    @ParameterizedTest(name = "NOTIFY {0} is refused")
    @ValueSource(strings = {"", "SET", "MAYBE", "SET ()", "SET (PERSONAL)", "SET (NOWHERE (MessageNew))",
            "SET (MAILBOXES (MessageNew))", "SET (PERSONAL (MessageNew (UID)))", "SET (PERSONAL MessageNew)",
            "SET (SELECTED (MessageNew)) (SELECTED-DELAYED (MessageNew))", "SET (SELECTED (MessageNew (BOGUS)))",
            "SET STATUS", "NONE NONE"})
    void badNotifyCommandsAreRefusedAndTheSessionGoesOn(String args) throws Exception {
        try (ImapTestClient a = ImapTestClient.login(server, server.newUser("nbad"))) {
            a.run("n1 NOTIFY " + args).bad();
            a.run("n2 NOOP").ok();
        }
    }

    @Test
    void tooManyGroupsAreRefused() throws Exception {
        try (ImapTestClient a = ImapTestClient.login(server, server.newUser("nmany"))) {
            a.run("n1 NOTIFY SET" + " (INBOXES (MessageNew))".repeat(21)).bad();
            a.run("n2 NOTIFY SET" + " (INBOXES (MessageNew))".repeat(20)).ok();
            a.run("n3 LOGOUT").ok();
        }
    }
}
