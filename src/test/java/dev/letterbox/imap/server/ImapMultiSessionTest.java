package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.sql.SqlMailStore;
import dev.letterbox.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One user, several devices: what one session sees of another's changes, and when (RFC 3501 §5.2,
 * §7.4.1; RFC 2177 IDLE; RFC 7162 QRESYNC).
 */
class ImapMultiSessionTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static final String MSG = ImapMessageTest.MSG;

    @Test
    void newMailFlagChangesAndExpungesReachTheOtherSessionAtAllowedPoints() throws Exception {
        String user = server.newUser("multi");
        server.deliver(user, MSG);
        server.deliver(user, MSG);
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("a1 SELECT INBOX").ok().has("* 2 EXISTS");
            b.run("b1 SELECT INBOX").ok().has("* 2 EXISTS");

            b.run("b2 " + ImapMessageTest.append("INBOX", "", MSG)).ok().has("* 3 EXISTS");
            a.run("a2 NOOP").ok().has("* 3 EXISTS");

            b.run("b3 STORE 1 +FLAGS (\\Flagged)").ok();
            var flags = a.run("a3 NOOP").ok();
            Map<String, Object> f = ImapData.fetch(flags.one("* 1 FETCH"));
            assertEquals("1", f.get("UID").toString());
            assertTrue(ImapData.canonical(f.get("FLAGS")).contains("\\Flagged"));

            b.run("b4 STORE 2 +FLAGS.SILENT (\\Deleted)").ok();
            b.run("b5 EXPUNGE").ok().has("* 2 EXPUNGE");
            // RFC 3501 §7.4.1: no EXPUNGE during FETCH, STORE or SEARCH; the ghost cannot be fetched
            var fetch = a.run("a4 FETCH 1:3 (FLAGS)").no().code("EXPUNGEISSUED");
            fetch.lacks("* 2 EXPUNGE").has("* 1 FETCH (FLAGS (\\Flagged \\Recent))");
            a.run("a5 STORE 3 +FLAGS.SILENT (\\Seen)").ok().lacks("* 2 EXPUNGE");
            a.run("a6 SEARCH ALL").ok().lacks("* 2 EXPUNGE").has("* SEARCH 1 3");
            a.run("a7 COPY 2 Archive").no().code("EXPUNGEISSUED");
            // a UID command may carry it; sequence numbers shift only now
            a.run("a8 UID FETCH 1:* (FLAGS)").ok().has("* 2 EXPUNGE");
            a.run("a9 FETCH 2 UID").ok().has("* 2 FETCH (UID 3)");
            a.run("a10 NOOP").ok().lacks("*");
        }
    }

    /**
     * A FETCH of bodies and structures over scattered numbers and more than one page of messages:
     * each answer carries its own message's data, in order, and a message another session expunged
     * is left out with EXPUNGEISSUED (RFC 2180 §4.1.2); asked again, the data is the same.
     */
    @Test
    void aScatteredFetchOfStructuresAndHeadersAnswersEachMessageWithItsOwnData() throws Exception {
        String user = server.newUser("scattered");
        int count = 130; // more than one page of the store's reads
        for (int i = 1; i <= count; i++) server.deliver(user, MSG.replace("afternoon meeting", "meeting " + i));
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("a1 SELECT INBOX").ok().has("* " + count + " EXISTS");
            b.run("b1 SELECT INBOX").ok();
            b.run("b2 STORE 3,120 +FLAGS.SILENT (\\Deleted)").ok();
            b.run("b3 EXPUNGE").ok();
            for (int round = 0; round < 2; round++) {
                var fetch = a.run("a2 FETCH 1,3:5,7,9:" + count + " (ENVELOPE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                        .no().code("EXPUNGEISSUED");
                List<String> answers = fetch.starting("* ");
                assertEquals(count - 5, answers.size(), "asked for " + (count - 3) + ", two were expunged");
                int previous = 0;
                for (String answer : answers) {
                    Matcher m = Pattern.compile("^\\* (\\d+) FETCH ").matcher(answer);
                    assertTrue(m.find(), answer);
                    int msn = Integer.parseInt(m.group(1));
                    assertTrue(msn > previous && msn != 2 && msn != 6 && msn != 8 && msn != 3 && msn != 120, answer);
                    previous = msn;
                    assertTrue(answer.contains("\"meeting " + msn + "\""), "ENVELOPE of " + msn + ": " + answer);
                    assertTrue(answer.contains("Subject: meeting " + msn + "\r\n"), "header of " + msn + ": " + answer);
                }
            }
            assertEquals(2, a.run("a3 NOOP").ok().starting("* ").stream().filter(r -> r.endsWith(" EXPUNGE")).count());
            var uidFetch = a.run("a4 UID FETCH 2,4,121 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])").ok();
            assertEquals(List.of("* 2 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT)] {22}\r\nSubject: meeting 2\r\n\r\n)",
                    "* 3 FETCH (UID 4 BODY[HEADER.FIELDS (SUBJECT)] {22}\r\nSubject: meeting 4\r\n\r\n)",
                    "* 119 FETCH (UID 121 BODY[HEADER.FIELDS (SUBJECT)] {24}\r\nSubject: meeting 121\r\n\r\n)"),
                    uidFetch.untagged());
        }
    }

    /**
     * RFC 3501 §7.2.6: a keyword must be in a FLAGS response before a FETCH shows it. One set by
     * another session, or on a message another session appended, is not known here yet when FETCH
     * asks for the flags (imaptest's stress mix: "Keyword used without being in FLAGS").
     */
    @Test
    void aKeywordFromAnotherSessionIsAnnouncedBeforeAFetchShowsIt() throws Exception {
        String user = server.newUser("keywords");
        server.deliver(user, MSG);
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("a1 SELECT INBOX").ok().has("* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)");
            b.run("b1 SELECT INBOX").ok();
            b.run("b2 STORE 1 +FLAGS.SILENT ($Label1)").ok();
            var fetch = a.run("a2 FETCH 1 (FLAGS)").ok();
            assertEquals("* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Label1)", fetch.untagged().get(0));
            assertEquals("* 1 FETCH (FLAGS ($Label1 \\Recent))", fetch.untagged().get(1));

            b.run("b3 " + ImapMessageTest.append("INBOX", "($Label2)", MSG)).ok();
            a.run("a3 NOOP").ok().has("* 2 EXISTS");
            var appended = a.run("a4 FETCH 2 (UID FLAGS)").ok();
            assertEquals("* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Label1 $Label2)", appended.untagged().get(0));
            assertEquals("* 2 FETCH (UID 2 FLAGS ($Label2))", appended.untagged().get(1));
            a.run("a5 FETCH 1:2 (FLAGS)").ok().lacks("* FLAGS"); // told once is enough
            b.run("b4 STORE 1 +FLAGS.SILENT ($Label3)").ok();
            var store = a.run("a6 STORE 1 +FLAGS (\\Seen)").ok(); // the answer shows b's keyword too
            assertEquals("* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Label1 $Label2 $Label3)", store.untagged().get(0));
            assertEquals("(\\Seen $Label1 $Label3 \\Recent)", ImapData.canonical(ImapData.fetch(store.one("* 1 FETCH")).get("FLAGS")));
        }
    }

    @Test
    void ownFlagChangesAreNotEchoedButAnotherSessionsInBetweenAre() throws Exception {
        String user = server.newUser("echo");
        server.deliver(user, MSG);
        server.deliver(user, MSG);
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("a1 SELECT INBOX").ok().has("* 2 RECENT");
            b.run("b1 SELECT INBOX").ok().has("* 0 RECENT"); // at once after a's SELECT: a has them, not b too
            a.run("a2 STORE 1 +FLAGS.SILENT (\\Seen)").ok().lacks("*");
            a.run("a3 STORE 2 +FLAGS.SILENT (\\Seen)").ok().lacks("*");
            a.run("a4 NOOP").ok().lacks("*"); // only its own changes happened: nothing to say

            a.run("a5 STORE 1 +FLAGS.SILENT (\\Answered)").ok();
            b.run("b2 STORE 2 +FLAGS.SILENT (\\Flagged)").ok();
            var store = a.run("a6 STORE 1 +FLAGS.SILENT (\\Draft)").ok();
            assertEquals(List.of("* 2 FETCH (UID 2 FLAGS (\\Seen \\Flagged \\Recent))"), store.untagged(),
                    "the other session's change is reported (a STORE may carry it), this session's own are not");
            a.run("a7 NOOP").ok().lacks("*");
            // b changed message 2 itself; \Recent belongs to a, which selected first (RFC 3501 §2.3.2)
            assertEquals(List.of("* 1 FETCH (UID 1 FLAGS (\\Seen \\Answered \\Draft))"), b.run("b3 NOOP").ok().untagged());
            a.run("a8 STORE 2 +FLAGS.SILENT (\\Deleted)").ok();
            a.run("a9 EXPUNGE").ok().has("* 2 EXPUNGE");
            a.run("a10 NOOP").ok().lacks("*"); // its own expunge was reported once, by EXPUNGE
            assertEquals(List.of("* 2 EXPUNGE"), b.run("b4 NOOP").ok().untagged());
        }
    }

    @Test
    void statusDoesNotCountRecentMessagesASessionHasTaken() throws Exception {
        String user = server.newUser("recentstatus");
        server.deliver(user, MSG);
        server.deliver(user, MSG);
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            // SELECT answers once its claim is stored (see ClusterTest for two nodes selecting at once)
            a.run("a1 SELECT INBOX").ok().has("* 2 RECENT");
            // RFC 3501 §2.3.2: \Recent in one session only; STATUS RECENT counts what a SELECT would get
            b.run("b1 STATUS INBOX (MESSAGES RECENT)").ok().has("* STATUS \"INBOX\" (MESSAGES 2 RECENT 0)");
            b.run("b2 LIST \"\" INBOX RETURN (STATUS (RECENT))").ok().has("* STATUS \"INBOX\" (RECENT 0)");
            b.run("b3 EXAMINE INBOX").ok().has("* 0 RECENT");
            server.deliver(user, MSG);
            b.run("b4 STATUS INBOX (RECENT)").ok().has("* STATUS \"INBOX\" (RECENT 1)");
            a.run("a2 NOOP").ok().has("* 3 RECENT"); // the new one is a's too: it is the first to see it
            b.run("b5 STATUS INBOX (RECENT)").ok().has("* STATUS \"INBOX\" (RECENT 0)");
        }
    }

    /**
     * RFC 3501 §2.3.2: what a session APPENDs to its selected mailbox is \Recent for it (claimed in
     * the APPEND's own write), together with what arrived before it unseen; for no other session.
     */
    @Test
    void appendToTheSelectedMailboxIsRecentForTheAppendingSessionOnly() throws Exception {
        String user = server.newUser("recentappend");
        server.deliver(user, MSG);
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("a1 SELECT INBOX").ok().has("* 1 RECENT");
            server.deliver(user, MSG); // not reported to a yet
            var appended = a.run("a2 " + ImapMessageTest.append("INBOX", "", MSG)).ok();
            assertEquals(List.of("* 3 EXISTS", "* 3 RECENT"), appended.untagged());
            a.run("a3 FETCH 2:3 FLAGS").ok().has("* 2 FETCH (FLAGS (\\Recent))").has("* 3 FETCH (FLAGS (\\Recent))");
            b.run("b1 SELECT INBOX").ok().has("* 0 RECENT");
            // read-only: its APPEND claims nothing, the next read-write session to see it gets it
            a.run("a4 EXAMINE INBOX").ok().has("* 0 RECENT");
            assertEquals(List.of("* 4 EXISTS", "* 0 RECENT"), a.run("a5 " + ImapMessageTest.append("INBOX", "", MSG)).ok().untagged());
            b.run("b2 NOOP").ok().has("* 4 EXISTS").has("* 1 RECENT");
            a.run("a6 SELECT INBOX").ok().has("* 0 RECENT");
        }
    }

    /**
     * STATUS of the selected mailbox comes from its shared index, of another one from the database:
     * after each change another session makes, both give the same figures.
     */
    @Test
    void statusOfTheSelectedMailboxMatchesTheDatabasesAfterEveryChange() throws Exception {
        String user = server.newUser("selectedstatus");
        server.deliver(user, MSG);
        server.deliver(user, MSG);
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user);
             ImapTestClient c = ImapTestClient.login(server, user)) {
            a.run("a1 SELECT INBOX").ok();
            b.run("b1 SELECT INBOX").ok();
            String items = "(MESSAGES UNSEEN RECENT UIDNEXT UIDVALIDITY HIGHESTMODSEQ)";
            List<String> changes = List.of(
                    "NOOP",
                    ImapMessageTest.append("INBOX", "", MSG),
                    ImapMessageTest.append("INBOX", "(\\Seen)", MSG),
                    "STORE 1 +FLAGS (\\Seen)",
                    "STORE 2 +FLAGS (\\Deleted \\Seen)",
                    "EXPUNGE",
                    "STORE 1 -FLAGS (\\Seen)");
            int step = 0;
            for (String change : changes) {
                step++;
                b.run("b" + step + "x " + change).ok();
                String fromIndex = a.run("a" + step + " STATUS INBOX " + items).ok().one("* STATUS");
                String fromDatabase = c.run("c" + step + " STATUS INBOX " + items).ok().one("* STATUS");
                assertEquals(fromDatabase, fromIndex, "after " + change);
            }
            // the selected mailbox's SIZE is not in the index: the database answers it
            assertEquals(c.run("c9 STATUS INBOX (MESSAGES SIZE)").ok().one("* STATUS"),
                    a.run("a9 STATUS INBOX (MESSAGES SIZE)").ok().one("* STATUS"));
        }
    }

    @Test
    void anExpungeAnsweredInOneSessionIsReportedByTheNextExpungeOfAnother() throws Exception {
        String user = server.newUser("expungeorder");
        server.deliver(user, MSG);
        server.deliver(user, MSG);
        // a slow listener ahead of the sessions' own: the announcement of a change takes a while to reach them
        var slow = server.server().store().changes().subscribe(server.account(user).id(), change -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (slow; ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("a1 SELECT INBOX").ok();
            b.run("b1 SELECT INBOX").ok();
            a.run("a2 STORE 1 +FLAGS.SILENT (\\Deleted)").ok();
            b.run("b2 STORE 1 +FLAGS.SILENT (\\Deleted)").ok();
            a.run("a3 EXPUNGE").ok().has("* 1 EXPUNGE");
            // a's client has heard the expunge succeed: b's EXPUNGE, sent now, must report it (RFC 3501 §7.4.1)
            b.run("b3 EXPUNGE").ok().has("* 1 EXPUNGE");
            b.run("b4 FETCH 1 UID").ok().has("* 1 FETCH (UID 2)");
        }
    }

    @Test
    void idlePushesNewMailFlagsAndExpungesPromptly() throws Exception {
        String user = server.newUser("idle");
        server.deliver(user, MSG);
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("a1 SELECT INBOX").ok();
            b.run("b1 SELECT INBOX").ok();
            a.send("a2 IDLE");
            a.expectLine("+ idling");

            long started = System.nanoTime();
            server.deliver(user, MSG);
            a.expectLine("* 2 EXISTS");
            a.expectLine("* 2 RECENT"); // this session is the first to see it (RFC 3501 §2.3.2)
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 5000, "new mail pushed after " + millis + " ms");

            b.run("b2 STORE 1 +FLAGS (\\Answered)").ok();
            String fetch = a.readResponse();
            assertTrue(fetch.startsWith("* 1 FETCH (") && fetch.contains("\\Answered"), fetch);

            b.run("b3 STORE 1 +FLAGS.SILENT (\\Deleted)").ok();
            a.readResponse(); // the \Deleted flag change
            b.run("b4 EXPUNGE").ok();
            a.expectLine("* 1 EXPUNGE");
            a.send("DONE");
            a.expectPrefix("a2 OK");
            a.run("a3 FETCH 1 UID").ok().has("* 1 FETCH (UID 2)");
        }
    }

    @Test
    void idleOutsideSelectedStateAndBadContinuation() throws Exception {
        String user = server.newUser("idle2");
        try (ImapTestClient a = ImapTestClient.login(server, user)) {
            a.send("a1 IDLE");
            a.expectLine("+ idling");
            a.send("NOT-DONE");
            a.expectPrefix("a1 BAD");
            a.run("a2 NOOP").ok();
        }
    }

    @Test
    void qresyncReportsVanishedAndChangedFlagsAfterReconnect() throws Exception {
        String user = server.newUser("qresync");
        for (int i = 0; i < 4; i++) server.deliver(user, MSG);
        long uidValidity, modSeq;
        try (ImapTestClient a = ImapTestClient.login(server, user)) {
            a.run("a1 ENABLE QRESYNC").ok().has("* ENABLED QRESYNC");
            var sel = a.run("a2 SELECT INBOX").ok();
            uidValidity = number(sel.one("* OK [UIDVALIDITY"), "UIDVALIDITY");
            modSeq = number(sel.one("* OK [HIGHESTMODSEQ"), "HIGHESTMODSEQ");
        }
        try (ImapTestClient b = ImapTestClient.login(server, user)) {
            b.run("b1 SELECT INBOX").ok();
            b.run("b2 STORE 2 +FLAGS.SILENT (\\Deleted)").ok();
            b.run("b3 EXPUNGE").ok();
            b.run("b4 UID STORE 3 +FLAGS.SILENT (\\Flagged)").ok();
        }
        try (ImapTestClient a = ImapTestClient.login(server, user)) {
            a.run("a3 SELECT INBOX (QRESYNC (1 1))").bad(); // not enabled yet (RFC 7162 §3.2.3)
            a.run("a4 ENABLE QRESYNC").ok();
            var sel = a.run("a5 SELECT INBOX (QRESYNC (" + uidValidity + " " + modSeq + " 1:4))").ok();
            assertEquals(List.of("* VANISHED (EARLIER) 2"), sel.starting("* VANISHED"));
            Map<String, Object> changed = ImapData.fetch(sel.one("* 2 FETCH"));
            assertEquals("3", changed.get("UID").toString());
            assertTrue(ImapData.canonical(changed.get("FLAGS")).contains("\\Flagged"));
            assertTrue(changed.containsKey("MODSEQ"));
            var uidFetch = a.run("a6 UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + modSeq + " VANISHED)").ok();
            assertEquals(List.of("* VANISHED (EARLIER) 2"), uidFetch.starting("* VANISHED"));
            assertEquals(1, uidFetch.starting("* 2 FETCH").size());
            // under QRESYNC another session's expunge is reported as VANISHED
            try (ImapTestClient b = ImapTestClient.login(server, user)) {
                b.run("b5 SELECT INBOX").ok();
                b.run("b6 UID STORE 4 +FLAGS.SILENT (\\Deleted)").ok();
                b.run("b7 UID EXPUNGE 4").ok();
            }
            a.run("a7 NOOP").ok().has("* VANISHED 4");
        }
    }

    @Test
    void qresyncFromBeforePrunedTombstonesStillReportsEveryVanishedUid() throws Exception {
        String user = server.newUser("horizon");
        for (int i = 0; i < 5; i++) server.deliver(user, MSG);
        long uidValidity, modSeq;
        try (ImapTestClient a = ImapTestClient.login(server, user)) {
            a.run("a1 ENABLE QRESYNC").ok();
            var sel = a.run("a2 SELECT INBOX").ok();
            uidValidity = number(sel.one("* OK [UIDVALIDITY"), "UIDVALIDITY");
            modSeq = number(sel.one("* OK [HIGHESTMODSEQ"), "HIGHESTMODSEQ");
            a.run("a3 UID STORE 2,4 +FLAGS.SILENT (\\Deleted)").ok();
            a.run("a4 UID EXPUNGE 2,4").ok();
        }
        // a month later the tombstones are gone (pruned now, for the test)
        ((SqlMailStore) server.server().store()).pruneTombstones(java.time.Instant.now().plusSeconds(1));
        try (ImapTestClient a = ImapTestClient.login(server, user)) {
            a.run("a5 ENABLE QRESYNC").ok();
            var sel = a.run("a6 SELECT INBOX (QRESYNC (" + uidValidity + " " + modSeq + " 1:5))").ok();
            assertEquals(List.of("* VANISHED (EARLIER) 2,4"), sel.starting("* VANISHED"));
            var uidFetch = a.run("a7 UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + modSeq + " VANISHED)").ok();
            assertEquals(List.of("* VANISHED (EARLIER) 2,4"), uidFetch.starting("* VANISHED"));
        }
    }

    @Test
    void uidsAscendAndAreNeverReusedAcrossSessions() throws Exception {
        String user = server.newUser("uids");
        try (ImapTestClient a = ImapTestClient.login(server, user)) {
            a.run("a1 SELECT INBOX").ok();
            a.run("a2 " + ImapMessageTest.append("INBOX", "", MSG)).ok().code("APPENDUID");
            a.run("a3 STORE 1 +FLAGS.SILENT (\\Deleted)").ok();
            a.run("a4 EXPUNGE").ok();
            var again = a.run("a5 " + ImapMessageTest.append("INBOX", "", MSG)).ok();
            assertTrue(again.tagged().contains(" 2]"), again.tagged());
            a.run("a6 FETCH 1 UID").ok().has("* 1 FETCH (UID 2)");
        }
    }

    static long number(String line, String code) {
        Matcher m = Pattern.compile(code + " (\\d+)").matcher(line);
        assertTrue(m.find(), line);
        return Long.parseLong(m.group(1));
    }
}
