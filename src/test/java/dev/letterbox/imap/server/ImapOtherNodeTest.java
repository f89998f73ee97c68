package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Changes made through another server on the same data reach a session here, pushed during IDLE and
 * at the next command, although this node's mailbox index only hears of them from the change feed.
 * On SQLite the other server is another process on the same database file (as the command line is);
 * on PostgreSQL, another node.
 */
class ImapOtherNodeTest {
    @RegisterExtension
    @Order(1)
    static final TestServer here = new TestServer();
    @RegisterExtension
    @Order(2)
    static final TestServer there = here.secondNode();

    static final String MSG = ImapMessageTest.MSG;

    @Test
    void anotherNodesAppendsFlagsAndExpungesArePushedAndSeenAtTheNextCommand() throws Exception {
        String user = here.newUser("nodes");
        here.deliver(user, MSG);
        here.deliver(user, MSG);
        try (ImapTestClient a = ImapTestClient.login(here, user); ImapTestClient b = ImapTestClient.login(there, user)) {
            a.run("a1 SELECT INBOX").ok().has("* 2 EXISTS");
            b.run("b1 SELECT INBOX").ok();

            a.send("a2 IDLE");
            a.expectLine("+ idling");
            b.run("b2 " + ImapMessageTest.append("INBOX", "($Other)", MSG)).ok();
            a.expectLine("* 3 EXISTS");
            a.expectPrefix("* "); // RECENT: 2 or 3, whichever session saw the new message first
            b.run("b3 STORE 1 +FLAGS (\\Flagged)").ok();
            String pushed = a.readResponse();
            assertTrue(pushed.startsWith("* 1 FETCH (UID 1 FLAGS (\\Flagged"), pushed);
            a.send("DONE");
            a.expectPrefix("a2 OK");

            // at the next command, with no IDLE in between
            b.run("b4 STORE 2 +FLAGS.SILENT (\\Deleted)").ok();
            b.run("b5 EXPUNGE").ok().has("* 2 EXPUNGE");
            List<String> seen = waitForUntagged(a, "* 2 EXPUNGE");
            assertTrue(seen.contains("* 2 EXPUNGE"), seen.toString());
            var fetch = a.run("a4 UID FETCH 1:* (FLAGS)").ok().has("* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent))");
            List<String> untagged = fetch.untagged();
            int announced = untagged.indexOf(fetch.one("* FLAGS ("));
            assertTrue(untagged.get(announced).contains("$Other") && announced < untagged.indexOf(fetch.one("* 2 FETCH")),
                    "the new keyword is announced before the FETCH that carries it: " + untagged);
            assertTrue(fetch.one("* 2 FETCH").startsWith("* 2 FETCH (UID 3 FLAGS ($Other"), untagged.toString());
            var fresh = a.run("a5 SELECT INBOX").ok();
            fresh.has("* 2 EXISTS");
            assertEquals(List.of("* 2 EXISTS"), fresh.starting("* 2 EXISTS"));
        }
    }

    /**
     * \Recent goes to one session only (RFC 3501 §2.3.2) when sessions claim from the mark their
     * node's index last knew: here the other node's session takes the new messages, so this node's
     * knowledge is behind the stored mark, and its claim must find that out instead of taking them again.
     */
    @Test
    void aMessageAnotherNodesSessionTookIsNotRecentHereToo() throws Exception {
        String user = here.newUser("recent-nodes");
        here.deliver(user, MSG);
        try (ImapTestClient a = ImapTestClient.login(here, user); ImapTestClient b = ImapTestClient.login(there, user)) {
            a.run("a1 SELECT INBOX").ok().has("* 1 RECENT"); // this node's index now knows the mark
            a.run("a2 CLOSE").ok();
            here.deliver(user, MSG);
            b.run("b1 SELECT INBOX").ok().has("* 2 EXISTS").has("* 1 RECENT"); // the other node takes message 2
            a.run("a3 SELECT INBOX").ok().has("* 2 EXISTS").has("* 0 RECENT");
            b.run("b2 " + ImapMessageTest.append("INBOX", "()", MSG)).ok();
            assertTrue(b.run("b3 FETCH 3 (FLAGS)").ok().one("* 3 FETCH").contains("\\Recent"), "b saw message 3 first");
            List<String> seen = waitForUntagged(a, "* 3 EXISTS");
            assertTrue(seen.contains("* 3 EXISTS"), seen.toString());
            for (String u : seen) if (u.endsWith(" RECENT")) assertEquals("* 0 RECENT", u);
            var fetch = a.run("a4 FETCH 1:* (FLAGS)").ok();
            assertEquals(3, fetch.starting("* ").size(), fetch.untagged().toString());
            for (String u : fetch.untagged()) assertFalse(u.contains("\\Recent"), u);
        }
    }

    /** NOOP until the untagged response arrives (the other node's change is announced within a second). */
    private static List<String> waitForUntagged(ImapTestClient c, String expected) throws Exception {
        for (int i = 0; i < 50; i++) {
            List<String> untagged = c.run("n" + i + " NOOP").ok().untagged();
            if (untagged.contains(expected)) return untagged;
            Thread.sleep(100);
        }
        return List.of();
    }
}
