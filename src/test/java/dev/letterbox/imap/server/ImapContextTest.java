package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 5267 ESORT and CONTEXT=SEARCH / CONTEXT=SORT (results kept up to date with ADDTO and
 * REMOVEFROM, CANCELUPDATE) and RFC 9394 PARTIAL, over real sockets.
 */
class ImapContextTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    /** Five messages whose arrival order (2, 4, 3, 5, 1) differs from their numbers. */
    private static String mailbox(String prefix) throws Exception {
        String user = server.newUser(prefix);
        String[] days = {"05", "01", "03", "02", "04"};
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            for (int i = 0; i < days.length; i++) {
                String msg = "From: a@example.org\r\nSubject: s" + (i + 1) + "\r\n\r\nbody " + (i + 1) + "\r\n";
                c.run("a" + i + " " + ImapMessageTest.append("INBOX", "\"" + days[i] + "-Jan-2024 10:00:00 +0000\"", msg)).ok();
            }
        }
        return user;
    }

    private static ImapTestClient selected(String user) throws Exception {
        ImapTestClient c = ImapTestClient.login(server, user);
        c.run("x SELECT INBOX").ok();
        return c;
    }

    @Test
    void capabilityAnnouncesTheExtensions() throws Exception {
        try (ImapTestClient c = ImapTestClient.login(server, server.newUser("ctxcap"))) {
            String caps = c.run("c1 CAPABILITY").ok().one("* CAPABILITY");
            for (String cap : List.of("ESORT", "CONTEXT=SEARCH", "CONTEXT=SORT", "PARTIAL")) {
                assertTrue((caps + " ").contains(" " + cap + " "), caps);
            }
        }
    }

    @Test
    void esortReturnsInSortOrder() throws Exception {
        try (ImapTestClient c = selected(mailbox("esort"))) {
            c.run("t1 SORT RETURN (MIN MAX COUNT ALL) (ARRIVAL) US-ASCII ALL").ok()
                    .has("* ESEARCH (TAG \"t1\") MIN 2 MAX 1 COUNT 5 ALL 2,4,3,5,1");
            c.run("t2 SORT RETURN () (REVERSE ARRIVAL) US-ASCII ALL").ok().has("* ESEARCH (TAG \"t2\") ALL 1,5,3:4,2");
            c.run("t3 UID SORT RETURN (COUNT) (ARRIVAL) UTF-8 1:3").ok().has("* ESEARCH (TAG \"t3\") UID COUNT 3");
            c.run("t4 SORT RETURN (MIN MAX COUNT) (ARRIVAL) US-ASCII DELETED").ok().has("* ESEARCH (TAG \"t4\") COUNT 0");
            c.run("t5 SORT RETURN (MIN) (SUBJECT) US-ASCII 3:4").ok().has("* ESEARCH (TAG \"t5\") MIN 3").lacks("* SORT");
            c.run("t6 SORT RETURN (BOGUS) (ARRIVAL) US-ASCII ALL").bad();
            c.run("t7 SORT RETURN (SAVE) (ARRIVAL) US-ASCII ALL").bad(); // SAVE is not an ESORT option
        }
    }

    @Test
    void partialSearchAndSortIncludingNegativeRanges() throws Exception {
        try (ImapTestClient c = selected(mailbox("partial"))) {
            c.run("p1 SEARCH RETURN (PARTIAL 2:4) ALL").ok().has("* ESEARCH (TAG \"p1\") PARTIAL (2:4 2:4)");
            c.run("p2 SEARCH RETURN (PARTIAL 4:2) 1:2,4:5").ok().has("* ESEARCH (TAG \"p2\") PARTIAL (2:4 2,4:5)");
            c.run("p3 SEARCH RETURN (PARTIAL -1:-2) ALL").ok().has("* ESEARCH (TAG \"p3\") PARTIAL (-1:-2 4:5)");
            c.run("p4 SEARCH RETURN (PARTIAL -9:-4) ALL").ok().has("* ESEARCH (TAG \"p4\") PARTIAL (-4:-9 1:2)");
            c.run("p5 SEARCH RETURN (PARTIAL 6:9) ALL").ok().has("* ESEARCH (TAG \"p5\") PARTIAL (6:9 NIL)");
            c.run("p6 SEARCH RETURN (PARTIAL -6:-9) ALL").ok().has("* ESEARCH (TAG \"p6\") PARTIAL (-6:-9 NIL)");
            c.run("p7 UID SEARCH RETURN (COUNT PARTIAL 1:2) 2:5").ok().has("* ESEARCH (TAG \"p7\") UID COUNT 4 PARTIAL (1:2 2:3)");
            // RFC 9394 §3.1: SAVE with PARTIAL keeps the page, so FETCH $ pages through the mailbox
            c.run("p10 SEARCH RETURN (SAVE PARTIAL -2:-3) ALL").ok().has("* ESEARCH (TAG \"p10\") PARTIAL (-2:-3 3:4)");
            var page = c.run("p11 FETCH $ (UID)").ok();
            assertEquals(List.of("* 3 FETCH (UID 3)", "* 4 FETCH (UID 4)"), page.starting("* "));
            c.run("p8 SORT RETURN (PARTIAL 2:3) (ARRIVAL) US-ASCII ALL").ok().has("* ESEARCH (TAG \"p8\") PARTIAL (2:3 4,3)");
            c.run("p9 SORT RETURN (PARTIAL -1:-3) (ARRIVAL) US-ASCII ALL").ok().has("* ESEARCH (TAG \"p9\") PARTIAL (-1:-3 3,5,1)");
        }
    }

    /** RFC 9394 §3.2: FETCH's PARTIAL modifier pages through the messages the set names, in UID order. */
    @Test
    void partialFetchPagesThroughTheNamedMessages() throws Exception {
        try (ImapTestClient c = selected(mailbox("partialfetch"))) {
            c.run("f0 STORE 2 +FLAGS.SILENT (\\Deleted)").ok();
            c.run("f1 EXPUNGE").ok(); // UIDs 1, 3, 4, 5 are left: a gap the positions skip
            assertEquals(List.of("* 3 FETCH (UID 4 FLAGS (\\Recent))", "* 4 FETCH (UID 5 FLAGS (\\Recent))"),
                    c.run("f2 UID FETCH 1:* (FLAGS) (PARTIAL -1:-2)").ok().starting("* "));
            assertEquals(List.of("* 1 FETCH (UID 1 FLAGS (\\Recent))", "* 2 FETCH (UID 3 FLAGS (\\Recent))"),
                    c.run("f3 UID FETCH 1:* (FLAGS) (PARTIAL 2:1)").ok().starting("* "));
            assertEquals(List.of("* 2 FETCH (UID 3)", "* 3 FETCH (UID 4)"), c.run("f4 FETCH 2:4 (UID) (PARTIAL 1:2)").ok().starting("* "));
            assertEquals(List.of("* 4 FETCH (UID 5)"), c.run("f5 UID FETCH 3:* (UID) (PARTIAL -1:-1)").ok().starting("* "));
            c.run("f6 UID FETCH 1:* (UID) (PARTIAL 5:9)").ok().lacks("* ");
            c.run("f7 UID FETCH 1:* (UID) (PARTIAL -50:-9)").ok().lacks("* ");
            // with CHANGEDSINCE, the positions are among the changed messages
            c.run("f8 STORE 1,3 +FLAGS.SILENT (\\Flagged)").ok();
            String since = c.run("f9 FETCH 4 (MODSEQ)").ok().one("* 4 FETCH").replaceAll(".*MODSEQ \\((\\d+)\\).*", "$1");
            List<String> changed = c.run("f10 UID FETCH 1:* (UID) (CHANGEDSINCE " + since + " PARTIAL -1:-1)").ok().starting("* ");
            assertEquals(1, changed.size(), changed.toString());
            assertTrue(changed.get(0).startsWith("* 3 FETCH (UID 4 MODSEQ ("), changed.toString());
            for (String bad : List.of("(PARTIAL 0:2)", "(PARTIAL -1:2)", "(PARTIAL 1:*)", "(PARTIAL)", "(PARTIAL 1:2 PARTIAL 1:2)")) {
                c.run("f11 UID FETCH 1:* (UID) " + bad).bad();
            }
        }
    }

    @ParameterizedTest(name = "SEARCH RETURN ({0}) is refused")
    @ValueSource(strings = {"PARTIAL 1", "PARTIAL 1:*", "PARTIAL *:1", "PARTIAL 0:3", "PARTIAL -1:2", "PARTIAL 1:-2",
            "PARTIAL 1:99999999999", "PARTIAL", "ALL PARTIAL 1:2", "PARTIAL 1:2 PARTIAL 3:4",
            "COUNT COUNT COUNT COUNT COUNT COUNT COUNT COUNT COUNT COUNT COUNT COUNT COUNT COUNT COUNT"})
    void badPartialRangesAreRefused(String options) throws Exception {
        try (ImapTestClient c = selected(server.newUser("badpartial"))) {
            c.run("b1 SEARCH RETURN (" + options + ") ALL").bad();
            c.run("b2 SORT RETURN (" + options + ") (ARRIVAL) US-ASCII ALL").bad();
            c.run("b3 NOOP").ok(); // the session goes on
        }
    }

    @Test
    void searchContextFollowsOwnChangesAndExpungesBeforeTheirExpungeResponses() throws Exception {
        try (ImapTestClient c = selected(mailbox("ctxsearch"))) {
            c.run("u1 SEARCH RETURN (UPDATE) SEEN").ok().has("* ESEARCH (TAG \"u1\")");
            c.run("s1 STORE 1,2,4 +FLAGS (\\Seen)").ok().has("* ESEARCH (TAG \"u1\") ADDTO (0 1:2,4)");
            c.run("s2 STORE 1,2 -FLAGS (\\Seen)").ok().has("* ESEARCH (TAG \"u1\") REMOVEFROM (0 1:2)");
            var expunge = c.run("s3 STORE 3:5 +FLAGS.SILENT (\\Deleted)").ok().lacks("* ESEARCH");
            expunge = c.run("s4 EXPUNGE").ok();
            List<String> lines = expunge.untagged();
            int removed = lines.indexOf("* ESEARCH (TAG \"u1\") REMOVEFROM (0 4)");
            assertTrue(removed >= 0, lines.toString());
            assertTrue(removed < lines.indexOf("* 4 EXPUNGE"), "REMOVEFROM names message 4 before it is expunged: " + lines);
            var append = c.run("s5 " + ImapMessageTest.append("INBOX", "(\\Seen)", "Subject: new\r\n\r\nx\r\n")).ok();
            assertTrue(append.untagged().indexOf("* 3 EXISTS") < append.untagged().indexOf("* ESEARCH (TAG \"u1\") ADDTO (0 3)"),
                    append.untagged().toString());
            c.run("c1 CANCELUPDATE \"u1\"").ok();
            c.run("s6 STORE 1 +FLAGS (\\Seen)").ok().lacks("* ESEARCH");
            c.run("c2 CANCELUPDATE \"u1\"").bad();
        }
    }

    @Test
    void uidSearchContextFollowsAnotherSessionAlsoDuringIdle() throws Exception {
        String user = mailbox("ctxidle");
        try (ImapTestClient a = selected(user); ImapTestClient b = selected(user)) {
            a.run("u1 UID SEARCH RETURN (UPDATE COUNT) FLAGGED").ok().has("* ESEARCH (TAG \"u1\") UID COUNT 0");
            b.run("b1 STORE 2:3 +FLAGS (\\Flagged)").ok();
            var noop = a.run("a1 NOOP").ok();
            noop.has("* ESEARCH (TAG \"u1\") UID ADDTO (0 2:3)");

            a.send("a2 IDLE");
            a.expectLine("+ idling");
            b.run("b2 STORE 2 -FLAGS (\\Flagged)").ok();
            String fetch = a.readResponse();
            assertTrue(fetch.startsWith("* 2 FETCH ("), fetch);
            a.expectLine("* ESEARCH (TAG \"u1\") UID REMOVEFROM (0 2)");
            a.send("DONE");
            a.expectPrefix("a2 OK");
        }
    }

    @Test
    void sortContextReportsPositions() throws Exception {
        try (ImapTestClient c = selected(mailbox("ctxsort"))) {
            // arrival order 2, 4, 3, 5, 1; the kept result is the unseen ones
            c.run("s0 STORE 4,5 +FLAGS (\\Seen)").ok();
            c.run("u1 SORT RETURN (UPDATE ALL) (ARRIVAL) US-ASCII UNSEEN").ok().has("* ESEARCH (TAG \"u1\") ALL 2:3,1");
            // 3 (position 2) and 1 (position 3) leave: highest position first
            c.run("s1 STORE 1,3 +FLAGS (\\Seen)").ok().has("* ESEARCH (TAG \"u1\") REMOVEFROM (3 1 2 3)");
            // 4 joins at position 2 (after 2), 1 at position 3 (the end)
            c.run("s2 STORE 1,4 -FLAGS (\\Seen)").ok().has("* ESEARCH (TAG \"u1\") ADDTO (2 4 3 1)");
            c.run("s3 CANCELUPDATE \"u1\" \"nope\"").bad(); // nothing cancelled when a tag is unknown
            c.run("s4 STORE 5 -FLAGS (\\Seen)").ok().has("* ESEARCH (TAG \"u1\") ADDTO (3 5)");
        }
    }

    @Test
    void contextsAreBoundedAndEndWithTheSelection() throws Exception {
        try (ImapTestClient c = selected(mailbox("ctxlimit"))) {
            for (int i = 0; i < SearchUpdates.MAX_CONTEXTS; i++) c.run("k" + i + " SEARCH RETURN (UPDATE) DRAFT").ok().lacks("* NO");
            c.run("over SEARCH RETURN (UPDATE) DRAFT").ok().has("* NO [NOUPDATE \"over\"] Too many search contexts");
            var store = c.run("s1 STORE 1 +FLAGS (\\Draft)").ok();
            assertEquals(SearchUpdates.MAX_CONTEXTS, store.starting("* ESEARCH").size(), store.untagged().toString());
            c.run("s2 SELECT INBOX").ok();
            c.run("s3 STORE 2 +FLAGS (\\Draft)").ok().lacks("* ESEARCH");
            c.run("s4 CANCELUPDATE \"k1\"").bad();
            c.run("s5 CANCELUPDATE").bad();
            c.run("s6 UID CANCELUPDATE \"k1\"").bad();
        }
    }
}
