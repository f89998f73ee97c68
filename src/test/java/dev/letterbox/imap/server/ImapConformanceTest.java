package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance gaps of issue 15, each as a client meets it: what the command answers, and that
 * the session goes on. Expected orders and answers were checked against another server's replies.
 */
class ImapConformanceTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    /** Every printable character a name may hold, a bare '&' among them: no valid modified UTF-7. */
    private static final String ODD = "!#$&'+,-.0123456789:;<=>?@^_`|[}";

    /**
     * Such a name names no mailbox a modified UTF-7 client can have made: every command taking a
     * name or pattern answers NO (or lists nothing), never BAD, and the session goes on. A UTF-8
     * client (RFC 6855) may create it, and others then see it in modified UTF-7.
     */
    @Test
    void aNameThatIsNotModifiedUtf7IsAnsweredByEveryCommandThatTakesOne() throws Exception {
        String user = server.newUser("oddname");
        server.deliver(user, "From: a@example.org\r\nSubject: x\r\n\r\nx\r\n");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("n1 SELECT " + ODD).no().code("NONEXISTENT");
            c.run("n2 EXAMINE " + ODD).no().code("NONEXISTENT");
            assertEquals(List.of(), c.run("n3 LIST \"\" " + ODD + "%*").ok().untagged());
            assertEquals(List.of(), c.run("n4 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (" + ODD + " " + ODD + "/%)").ok().untagged());
            assertEquals(List.of(), c.run("n5 LSUB \"\" " + ODD + "*").ok().untagged());
            c.run("n6 CREATE " + ODD).no().code("CANNOT");
            c.run("n7 DELETE " + ODD).no().code("NONEXISTENT");
            c.run("n8 RENAME " + ODD + " Elsewhere").no().code("NONEXISTENT");
            c.run("n9 RENAME INBOX " + ODD).no().code("CANNOT");
            c.run("n10 STATUS " + ODD + " (MESSAGES)").no().code("NONEXISTENT");
            c.run("n11 SUBSCRIBE " + ODD).no().code("CANNOT");
            c.run("n12 UNSUBSCRIBE " + ODD).ok();
            c.run("n13 APPEND " + ODD + " {3+}\r\nabc").no().code("TRYCREATE");
            c.run("n14 SELECT INBOX").ok();
            c.run("n15 COPY 1 " + ODD).no().code("TRYCREATE");
            c.run("n16 MOVE 1 " + ODD).no().code("TRYCREATE");
            c.run("n17 NOOP").ok();
            c.run("n18 ENABLE UTF8=ACCEPT").ok();
            c.run("n19 CREATE " + ODD).ok();
            c.run("n20 SELECT " + ODD).ok();
        }
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            String wire = ODD.replace("&", "&-");
            assertEquals(List.of("* LIST (\\HasNoChildren) \"/\" \"" + wire + "\""), c.run("w1 LIST \"\" \"!#*\"").ok().untagged());
            c.run("w2 SELECT " + wire).ok();
        }
    }

    /** RFC 5258 §3.5: a parent gets no CHILDINFO for a subscribed child that a pattern lists itself. */
    @Test
    void recursiveMatchGivesNoChildInfoForAChildListedInItsOwnRight() throws Exception {
        String user = server.newUser("childinfo");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("r1 CREATE a/test2/test1").ok();
            c.run("r2 SUBSCRIBE a/test2/test1").ok();
            String child = "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"a/test2/test1\"";
            assertEquals(List.of(child), c.run("r3 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (a/test2 a/test2/test1)").ok().untagged());
            assertEquals(List.of("* LIST (\\HasChildren) \"/\" \"a/test2\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"),
                    c.run("r4 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" a/%").ok().untagged());
        }
    }

    /**
     * An empty body section, and one that names nothing, is a zero-length literal, never "" or NIL:
     * clients written against the most common server parse that form.
     */
    @Test
    void emptyBodySectionsAreZeroLengthLiterals() throws Exception {
        String user = server.newUser("emptypart");
        server.deliver(user, "From: a@example.org\r\nSubject: e\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n");
        server.deliver(user, "From: a@example.org\r\nSubject: no body\r\n\r\n");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("e1 SELECT INBOX").ok();
            assertEquals("* 1 FETCH (BODY[1] {0}\r\n BINARY[1] {0}\r\n BINARY.SIZE[1] 0 BODY[2]<5> {0}\r\n)",
                    c.run("e2 FETCH 1 (BODY.PEEK[1] BINARY.PEEK[1] BINARY.SIZE[1] BODY.PEEK[2]<5.3>)").ok().one("* 1 FETCH"));
            assertEquals("* 2 FETCH (BODY[TEXT] {0}\r\n BODY[1] {0}\r\n RFC822.TEXT {0}\r\n FLAGS (\\Seen \\Recent))",
                    c.run("e3 FETCH 2 (BODY.PEEK[TEXT] BODY.PEEK[1] RFC822.TEXT)").ok().one("* 2 FETCH"));
            // a section that names nothing (no part 3; HEADER and TEXT only exist for a message/rfc822 part)
            assertEquals("* 1 FETCH (BODY[3] {0}\r\n BODY[1.HEADER] {0}\r\n BODY[2.TEXT] {0}\r\n BODY[1.2] {0}\r\n)",
                    c.run("e4 FETCH 1 (BODY.PEEK[3] BODY.PEEK[1.HEADER] BODY.PEEK[2.TEXT] BODY.PEEK[1.2])").ok().one("* 1 FETCH"));
        }
    }

    /**
     * SORT by CC, FROM, TO (RFC 5256 §3: the first address's mailbox) and DISPLAYTO, DISPLAYFROM
     * (RFC 5957: its display name, else the address) on addresses written with comments, groups,
     * quoted and encoded names and a source route; SEARCH finds an address by its parsed form.
     */
    @Test
    void sortAndSearchWorkOnParsedAddresses() throws Exception {
        String user = server.newUser("sortaddr");
        List<String> addresses = List.of(
                "(comment) zed@x.org",                  // 1
                "alpha (Real Name) <b@x.org>",          // 2
                "\"Quoted Name\" <mid@x.org>",          // 3
                "grp: aa@x.org, bb@y.org;",             // 4
                "c@x.org (Real Name)",                  // 5
                "<d (comment)@ (c) x.org>",             // 6
                "undisclosed-recipients:;",             // 7
                "=?utf-8?q?Aardvark?= <e@x.org>",       // 8
                "Yak <Apple@x.org>",                    // 9
                "mmm@x.org (Zulu)",                     // 10
                "(just a comment)",                     // 11
                "Bob (the builder) Smith <bob@x.org>",  // 12
                "<@route.org:rr@x.org>");               // 13
        for (int i = 0; i < addresses.size(); i++) {
            String a = addresses.get(i);
            server.deliver(user, "From: " + a + "\r\nTo: " + a + "\r\nCc: " + a + "\r\nSubject: " + (i + 1) + "\r\n\r\nx\r\n");
        }
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("s1 SELECT INBOX").ok();
            String byMailbox = "* SORT 11 9 2 12 5 6 8 4 3 10 13 7 1";
            c.run("s2 SORT (CC) US-ASCII ALL").ok().has(byMailbox);
            c.run("s3 SORT (FROM) US-ASCII ALL").ok().has(byMailbox);
            c.run("s4 SORT (TO) US-ASCII ALL").ok().has(byMailbox);
            c.run("s5 SORT (REVERSE CC) US-ASCII ALL").ok().has("* SORT 1 7 13 10 3 4 8 6 5 12 2 9 11");
            String byDisplay = "* SORT 11 8 2 12 6 4 3 5 13 7 9 1 10";
            c.run("s6 SORT (DISPLAYTO) US-ASCII ALL").ok().has(byDisplay);
            c.run("s7 SORT (DISPLAYFROM) US-ASCII ALL").ok().has(byDisplay);
            c.run("s8 SORT (REVERSE DISPLAYTO) US-ASCII ALL").ok().has("* SORT 10 1 9 7 13 5 3 4 6 12 2 8 11");
            c.run("s9 SEARCH FROM d@x.org").ok().has("* SEARCH 1 3 6"); // zed@, mid@ and <d (comment)@ (c) x.org>
            c.run("s10 SEARCH CC bb@y.org").ok().has("* SEARCH 4");
            c.run("s11 SEARCH TO rr@x.org").ok().has("* SEARCH 13");
        }
    }

    /**
     * RFC 7162 §3.1 and §3.1.5: SORT with a MODSEQ criterion enables CONDSTORE (reporting the
     * mailbox's HIGHESTMODSEQ) and, like SEARCH, ends its answer with the highest MODSEQ of the
     * messages it returns (sort-data in §7); nothing when none match.
     */
    @Test
    void sortWithModseqCriterionReportsTheHighestModseqOfItsMatches() throws Exception {
        String user = server.newUser("sortmodseq");
        for (int i = 1; i <= 3; i++) server.deliver(user, "From: a@example.org\r\nSubject: " + i + "\r\n\r\nx\r\n");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            long highest = ImapMultiSessionTest.number(c.run("m1 SELECT INBOX").ok().one("* OK [HIGHESTMODSEQ"), "HIGHESTMODSEQ");
            var first = c.run("m2 SORT (SUBJECT) US-ASCII MODSEQ 1").ok();
            assertEquals("* OK [HIGHESTMODSEQ " + highest + "] Highest", first.one("* OK [HIGHESTMODSEQ"));
            long two = ImapMultiSessionTest.number(
                    c.run("m3 STORE 2 +FLAGS (\\Seen)").ok().one("* 2 FETCH").replace("MODSEQ (", "MODSEQ "), "MODSEQ");
            long one = ImapMultiSessionTest.number(c.run("m4 FETCH 1 (MODSEQ)").ok().one("* 1 FETCH").replace("MODSEQ (", "MODSEQ "), "MODSEQ");
            long three = ImapMultiSessionTest.number(c.run("m5 FETCH 3 (MODSEQ)").ok().one("* 3 FETCH").replace("MODSEQ (", "MODSEQ "), "MODSEQ");
            c.run("m6 SORT (REVERSE SUBJECT) US-ASCII MODSEQ 1").ok().has("* SORT 3 2 1 (MODSEQ " + two + ")");
            c.run("m7 UID SORT (SUBJECT) US-ASCII 1,3 MODSEQ 1").ok().has("* SORT 1 3 (MODSEQ " + Math.max(one, three) + ")");
            c.run("m8 SORT (SUBJECT) US-ASCII MODSEQ " + (two + 1)).ok().has("* SORT");
            c.run("m9 SORT (SUBJECT) US-ASCII ALL").ok().has("* SORT 1 2 3");
        }
    }

    /**
     * RFC 7162 §3.1: each CONDSTORE-enabling form, given first with a mailbox selected, reports that
     * mailbox's HIGHESTMODSEQ once; forms of the same commands that do not enable it report nothing;
     * ENABLED names only what the command itself turned on; a SELECT (CONDSTORE) reports the
     * mailbox it opens, not the one it closes.
     */
    @Test
    void everyCondstoreEnablingFormReportsTheHighestModseqOnlyWhenItTurnsCondstoreOn() throws Exception {
        String user = server.newUser("condstoreforms");
        server.deliver(user, "From: a@example.org\r\nSubject: x\r\n\r\nx\r\n");
        List<String> enabling = List.of("FETCH 1 (MODSEQ)", "FETCH 1 (FLAGS) (CHANGEDSINCE 1)", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1)",
                "STORE 1 (UNCHANGEDSINCE 1000) +FLAGS (x)", "SEARCH MODSEQ 1", "UID SEARCH NOT MODSEQ 1",
                "SORT (SUBJECT) US-ASCII OR SEEN MODSEQ 1", "STATUS Trash (HIGHESTMODSEQ)", "ENABLE CONDSTORE");
        List<String> notEnabling = List.of("FETCH 1 (FLAGS)", "STORE 1 +FLAGS (y)", "SEARCH ALL", "SORT (SUBJECT) US-ASCII ALL",
                "STATUS Trash (MESSAGES)", "ENABLE UTF8=ACCEPT", "NOOP");
        for (String command : enabling) {
            try (ImapTestClient c = ImapTestClient.login(server, user)) {
                long highest = ImapMultiSessionTest.number(c.run("e1 SELECT INBOX").ok().one("* OK [HIGHESTMODSEQ"), "HIGHESTMODSEQ");
                for (String other : notEnabling) c.run("e2 " + other).ok().lacks("* OK [HIGHESTMODSEQ");
                // the STORE above changed a flag: the first enabling command reports what the session was told of
                String reported = c.run("e3 " + command).ok().one("* OK [HIGHESTMODSEQ");
                assertEquals(true, ImapMultiSessionTest.number(reported, "HIGHESTMODSEQ") >= highest, command + ": " + reported);
                c.run("e4 " + command).ok().lacks("* OK [HIGHESTMODSEQ");
            }
        }
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("q1 ENABLE QRESYNC CONDSTORE").ok().has("* ENABLED QRESYNC").lacks("* ENABLED QRESYNC CONDSTORE");
        }
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("q2 ENABLE CONDSTORE QRESYNC").ok().has("* ENABLED CONDSTORE QRESYNC");
        }
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("s1 SELECT INBOX").ok();
            c.run("s2 SELECT Trash (CONDSTORE)").ok().one("* OK [HIGHESTMODSEQ");
            c.run("s3 UID FETCH 1:* (MODSEQ)").ok().lacks("* OK [HIGHESTMODSEQ");
        }
    }
}
