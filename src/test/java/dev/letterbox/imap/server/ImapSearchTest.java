package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SEARCH with every RFC 3501 §6.4.4 key (decoded headers and text parts, CHARSET), ESEARCH (RFC
 * 4731), SEARCHRES (RFC 5182), MODSEQ (RFC 7162), SORT and THREAD (RFC 5256).
 */
class ImapSearchTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static final String M1 = "From: Alice Smith <alice@example.org>\r\n"
            + "To: bob@example.test\r\n"
            + "Cc: carol@example.com\r\n"
            + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus Berlin\r\n"
            + "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
            + "Message-ID: <m1@example.org>\r\n"
            + "\r\n"
            + "Hello Bob, the quarterly numbers are attached.\r\n";
    static final String M2 = "From: Bob <bob@example.test>\r\n"
            + "To: alice@example.org\r\n"
            + "Subject: Re: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus Berlin\r\n"
            + "Date: Tue, 8 Feb 1994 09:00:00 +0000\r\n"
            + "Message-ID: <m2@example.test>\r\n"
            + "In-Reply-To: <m1@example.org>\r\n"
            + "References: <m1@example.org>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: base64\r\n"
            + "\r\n"
            + "U2Now7ZuZSBHcsO8w59lIHp1csO8Y2sK\r\n"; // "Schöne Grüße zurück\n"
    static final String M3 = "From: Carol <carol@example.com>\r\n"
            + "To: alice@example.org\r\n"
            + "Subject: lunch\r\n"
            + "Date: Wed, 1 Mar 2000 12:00:00 +0000\r\n"
            + "X-Priority: 1\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/alternative; boundary=\"b\"\r\n"
            + "\r\n"
            + "--b\r\n"
            + "Content-Type: text/html; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n"
            + "\r\n"
            + "<p>Let's have =E2=82=AC lunch, padding padding padding padding padding</p>\r\n"
            + "--b--\r\n";

    static String user;

    @BeforeAll
    static void mailbox() throws Exception {
        user = server.newUser("search");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("s1 " + ImapMessageTest.append("INBOX", "(\\Seen \\Flagged) \" 1-Jan-2020 10:00:00 +0000\"", M1)).ok();
            c.run("s2 " + ImapMessageTest.append("INBOX", "(\\Answered $Work) \"15-Jun-2021 10:00:00 +0000\"", M2)).ok();
            c.run("s3 " + ImapMessageTest.append("INBOX", "() \"31-Dec-2022 10:00:00 +0000\"", M3)).ok();
        }
    }

    private static ImapTestClient session() throws Exception {
        ImapTestClient c = ImapTestClient.login(server, user);
        c.run("x SELECT INBOX").ok();
        return c;
    }

    @ParameterizedTest(name = "SEARCH {0}")
    @CsvSource(delimiter = '|', value = {
            "ALL|1 2 3",
            "FROM alice|1",
            "FROM SMITH|1",
            "TO alice@example.org|2 3",
            "CC carol|1",
            "BCC carol|",
            "SUBJECT berlin|1 2",
            "HEADER X-Priority \"\"|3",
            "HEADER x-priority 1|3",
            "HEADER X-Missing \"\"|",
            "BODY quarterly|1",
            "BODY berlin|",
            "TEXT berlin|1 2",
            "TEXT lunch|3",
            "SENTON 7-Feb-1994|1",
            "SENTBEFORE 8-Feb-1994|1",
            "SENTSINCE 8-Feb-1994|2 3",
            "ON 15-Jun-2021|2",
            "BEFORE 15-Jun-2021|1",
            "SINCE 15-Jun-2021|2 3",
            "SEEN|1",
            "UNSEEN|2 3",
            "FLAGGED|1",
            "UNFLAGGED|2 3",
            "ANSWERED|2",
            "UNANSWERED|1 3",
            "KEYWORD $work|2",
            "UNKEYWORD $Work|1 3",
            "DELETED|",
            "UNDELETED|1 2 3",
            "DRAFT|",
            "UNDRAFT|1 2 3",
            "NOT SEEN|2 3",
            "OR FROM alice FROM carol|1 3",
            "(FROM bob SUBJECT berlin)|2",
            "2:3|2 3",
            "*|3",
            "UID 1:2|1 2",
            "UID 3:*|3",
            "NOT (OR 1 3)|2",
    })
    void searchKeys(String criteria, String expected) throws Exception {
        try (ImapTestClient c = session()) {
            var r = c.run("t1 SEARCH " + criteria).ok();
            String want = expected == null ? "* SEARCH" : "* SEARCH " + expected;
            assertEquals(List.of(want), r.starting("* SEARCH"));
        }
    }

    @Test
    void charsetAndDecodedText() throws Exception {
        try (ImapTestClient c = session()) {
            String grusse = "grüße";
            c.run("u1 SEARCH CHARSET UTF-8 SUBJECT {" + ImapMessageTest.octets(grusse) + "+}\r\n" + grusse).ok().has("* SEARCH 1 2");
            String schoene = "SCHÖNE";
            c.run("u2 SEARCH CHARSET UTF-8 BODY {" + ImapMessageTest.octets(schoene) + "+}\r\n" + schoene).ok().has("* SEARCH 2");
            String euro = "€ lunch";
            c.run("u3 SEARCH CHARSET UTF-8 BODY {" + ImapMessageTest.octets(euro) + "+}\r\n" + euro).ok().has("* SEARCH 3");
            c.run("u4 SEARCH CHARSET KOI8-XYZ ALL").no().code("BADCHARSET");
            c.run("u5 UID SEARCH CHARSET US-ASCII FROM bob").ok().has("* SEARCH 2");
        }
    }

    @Test
    void recentNewAndOld() throws Exception {
        String fresh = server.newUser("recent");
        server.deliver(fresh, M1);
        server.deliver(fresh, M3);
        try (ImapTestClient a = ImapTestClient.login(server, fresh); ImapTestClient b = ImapTestClient.login(server, fresh)) {
            a.run("r1 SELECT INBOX").ok().has("* 2 RECENT");
            a.run("r2 STORE 1 +FLAGS.SILENT (\\Seen)").ok();
            a.run("r3 SEARCH RECENT").ok().has("* SEARCH 1 2");
            a.run("r4 SEARCH NEW").ok().has("* SEARCH 2");
            a.run("r5 SEARCH OLD").ok().has("* SEARCH");
            b.run("r6 SELECT INBOX").ok().has("* 0 RECENT");
            b.run("r7 SEARCH OLD").ok().has("* SEARCH 1 2");
        }
    }

    /**
     * A single flag key is answered from the mailbox's index in one pass: it must still answer for this
     * session's view only, not the index's newer state (a message another session expunged is
     * not reported during SEARCH, RFC 3501 §7.4.1, and matches nothing; a message it added is not
     * numbered yet).
     */
    @Test
    void flagKeysAnswerForTheSessionsViewWhileAnotherSessionChangesTheMailbox() throws Exception {
        String u = server.newUser("flagview");
        for (int i = 0; i < 4; i++) server.deliver(u, M3);
        try (ImapTestClient a = ImapTestClient.login(server, u); ImapTestClient b = ImapTestClient.login(server, u)) {
            a.run("f1 SELECT INBOX").ok().has("* 4 EXISTS");
            b.run("f2 SELECT INBOX").ok();
            b.run("f3 STORE 1 +FLAGS.SILENT (\\Seen)").ok();
            b.run("f4 STORE 2 +FLAGS.SILENT (\\Deleted)").ok();
            b.run("f5 EXPUNGE").ok();
            b.run("f6 " + ImapMessageTest.append("INBOX", "", M3)).ok();
            var r = a.run("f7 SEARCH UNSEEN").ok();
            assertEquals(List.of("* SEARCH 3 4"), r.starting("* SEARCH"));
            r.has("* 5 EXISTS").lacks("* 2 EXPUNGE");
            // UID SEARCH may carry the EXPUNGE (RFC 3501 §7.4.1 names only FETCH, STORE and SEARCH)
            a.run("f8 UID SEARCH SEEN").ok().has("* SEARCH 1").has("* 2 EXPUNGE");
            a.run("f9 SEARCH UNDELETED").ok().has("* SEARCH 1 2 3 4");
            a.run("f11 SEARCH UNSEEN").ok().has("* SEARCH 2 3 4");
            a.run("f12 SEARCH RETURN (COUNT) DELETED").ok().has("* ESEARCH (TAG \"f12\") COUNT 0");
        }
    }

    @Test
    void esearchAndSearchres() throws Exception {
        try (ImapTestClient c = session()) {
            c.run("v1 UID SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN").ok().has("* ESEARCH (TAG \"v1\") UID MIN 2 MAX 3 COUNT 2 ALL 2:3");
            c.run("v2 SEARCH RETURN () ALL").ok().has("* ESEARCH (TAG \"v2\") ALL 1:3");
            c.run("v3 SEARCH RETURN (COUNT) DELETED").ok().has("* ESEARCH (TAG \"v3\") COUNT 0");
            c.run("v4 SEARCH RETURN (MIN) DELETED").ok().has("* ESEARCH (TAG \"v4\")");
            c.run("v5 SEARCH RETURN (SAVE) FROM bob").ok().lacks("*");
            c.run("v6 FETCH $ (UID)").ok().has("* 2 FETCH (UID 2)");
            c.run("v7 UID SEARCH UID $ OR $ 1").ok().has("* SEARCH 2");
            c.run("v8 SEARCH RETURN (SAVE MIN) UNSEEN").ok().has("* ESEARCH (TAG \"v8\") MIN 2");
            c.run("v9 UID FETCH $ (UID)").ok().has("* 2 FETCH (UID 2)").lacks("* 3 FETCH");
            c.run("v10 SEARCH RETURN (FOO) ALL").bad();
        }
    }

    @Test
    void modseqSearchAndConditionalStore() throws Exception {
        String own = server.newUser("modseq");
        server.deliver(own, M1);
        server.deliver(own, M2);
        try (ImapTestClient c = ImapTestClient.login(server, own)) {
            var sel = c.run("w1 SELECT INBOX (CONDSTORE)").ok();
            long highest = ImapMultiSessionTest.number(sel.one("* OK [HIGHESTMODSEQ"), "HIGHESTMODSEQ");
            var st = c.run("w2 STORE 2 +FLAGS (\\Flagged)").ok();
            String fetch = st.one("* 2 FETCH");
            java.util.regex.Matcher mm = java.util.regex.Pattern.compile("MODSEQ \\((\\d+)\\)").matcher(fetch);
            assertTrue(mm.find(), fetch);
            long m2 = Long.parseLong(mm.group(1));
            assertTrue(m2 > highest, fetch);
            c.run("w3 SEARCH MODSEQ " + m2).ok().has("* SEARCH 2 (MODSEQ " + m2 + ")");
            c.run("w4 SEARCH MODSEQ \"/flags/\\\\draft\" all " + m2).ok().has("* SEARCH 2 (MODSEQ " + m2 + ")");
            // RFC 7162 §3.1.3: message 2 changed after m2-1: refused and reported in MODIFIED
            var cond = c.run("w5 STORE 1:2 (UNCHANGEDSINCE " + (m2 - 1) + ") +FLAGS (\\Seen)").ok().code("MODIFIED 2");
            assertEquals(1, cond.starting("* 1 FETCH").size());
            c.run("w6 UID STORE 2 (UNCHANGEDSINCE " + (m2 - 1) + ") +FLAGS (\\Seen)").ok().code("MODIFIED 2");
            var changed = c.run("w7 FETCH 1:* (FLAGS) (CHANGEDSINCE " + m2 + ")").ok();
            assertEquals(1, changed.untagged().size(), changed.untagged().toString());
            assertTrue(changed.one("* 1 FETCH").contains("MODSEQ ("));
            c.run("w8 FETCH 1 (MODSEQ)").ok().one("* 1 FETCH (MODSEQ (");
            c.run("w9 STORE 1 -FLAGS.SILENT (\\Seen)").ok().one("* 1 FETCH (UID 1 MODSEQ (");
        }
    }

    @Test
    void firstCondstoreEnablingCommandReportsHighestModseqAndEsearchModseqFollowsMinMax() throws Exception {
        String own = server.newUser("esearchmodseq");
        for (int i = 0; i < 4; i++) server.deliver(own, M1);
        try (ImapTestClient c = ImapTestClient.login(server, own)) {
            long highest = ImapMultiSessionTest.number(c.run("e1 SELECT INBOX").ok().one("* OK [HIGHESTMODSEQ"), "HIGHESTMODSEQ");
            // RFC 7162 §3.1: FETCH MODSEQ turns CONDSTORE on with a mailbox selected: its HIGHESTMODSEQ is reported
            var first = c.run("e2 FETCH 1 (MODSEQ)").ok();
            assertEquals("* OK [HIGHESTMODSEQ " + highest + "] Highest", first.one("* OK [HIGHESTMODSEQ"));
            c.run("e3 FETCH 1 (MODSEQ)").ok().lacks("* OK [HIGHESTMODSEQ"); // only the first time
            long[] modseq = new long[5];
            for (int msn : new int[] {1, 3, 2, 4}) { // changed in this order: 2 gets a higher MODSEQ than 3
                String f = c.run("e4 STORE " + msn + " +FLAGS.SILENT (\\Seen)").ok().one("* " + msn + " FETCH");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("MODSEQ \\((\\d+)\\)").matcher(f);
                assertTrue(m.find(), f);
                modseq[msn] = Long.parseLong(m.group(1));
            }
            String crit = " 1:3 MODSEQ \"/flags/\\\\seen\" all 1";
            // RFC 4731 §3.2: MIN or MAX alone carries the MODSEQ of that message, both the higher of the two
            c.run("e5 SEARCH RETURN (MIN)" + crit).ok().has("* ESEARCH (TAG \"e5\") MIN 1 MODSEQ " + modseq[1]);
            c.run("e6 SEARCH RETURN (MAX)" + crit).ok().has("* ESEARCH (TAG \"e6\") MAX 3 MODSEQ " + modseq[3]);
            c.run("e7 SEARCH RETURN (MIN MAX)" + crit).ok()
                    .has("* ESEARCH (TAG \"e7\") MIN 1 MAX 3 MODSEQ " + Math.max(modseq[1], modseq[3]));
            c.run("e8 SEARCH RETURN (MIN COUNT)" + crit).ok().has("* ESEARCH (TAG \"e8\") MIN 1 COUNT 3 MODSEQ " + modseq[2]);
            c.run("e9 SEARCH RETURN ()" + crit).ok().has("* ESEARCH (TAG \"e9\") ALL 1:3 MODSEQ " + modseq[2]);
        }
        try (ImapTestClient c = ImapTestClient.login(server, own)) {
            c.run("e10 SELECT INBOX").ok();
            c.run("e11 STORE 1 +FLAGS.SILENT (\\Flagged)").ok().lacks("* OK [HIGHESTMODSEQ");
            c.run("e12 SEARCH MODSEQ 1").ok().one("* OK [HIGHESTMODSEQ "); // SEARCH MODSEQ enables it as well
        }
    }

    @Test
    void sortAndThread() throws Exception {
        try (ImapTestClient c = session()) {
            c.run("y1 SORT (SUBJECT) UTF-8 ALL").ok().has("* SORT 1 2 3");
            c.run("y2 SORT (REVERSE DATE) UTF-8 ALL").ok().has("* SORT 3 2 1");
            c.run("y3 SORT (FROM) UTF-8 ALL").ok().has("* SORT 1 2 3");
            int[] sizes = {ImapMessageTest.octets(M1), ImapMessageTest.octets(M2), ImapMessageTest.octets(M3)};
            List<Integer> bySize = new java.util.ArrayList<>(List.of(1, 2, 3));
            bySize.sort((x, y) -> sizes[y - 1] != sizes[x - 1] ? Integer.compare(sizes[y - 1], sizes[x - 1]) : Integer.compare(x, y));
            c.run("y4 SORT (REVERSE SIZE) UTF-8 ALL").ok().has("* SORT " + bySize.get(0) + " " + bySize.get(1) + " " + bySize.get(2));
            int min = Math.min(sizes[0], Math.min(sizes[1], sizes[2]));
            c.run("y12 SEARCH SMALLER " + (min + 1)).ok().has("* SEARCH " + (java.util.Arrays.stream(sizes).boxed().toList().indexOf(min) + 1));
            c.run("y13 SEARCH LARGER " + min).ok().starting("* SEARCH ");
            c.run("y14 SEARCH LARGER " + (sizes[0] + sizes[1] + sizes[2])).ok().has("* SEARCH");
            c.run("y5 UID SORT (REVERSE ARRIVAL) UTF-8 UNSEEN").ok().has("* SORT 3 2");
            c.run("y6 SORT (TO CC) UTF-8 ALL").ok().has("* SORT 2 3 1");
            c.run("y7 SORT (DISPLAYFROM) UTF-8 ALL").ok().has("* SORT 1 2 3");
            c.run("y8 THREAD REFERENCES UTF-8 ALL").ok().has("* THREAD (1 2)(3)");
            c.run("y9 THREAD ORDEREDSUBJECT UTF-8 ALL").ok().has("* THREAD (1 2)(3)");
            c.run("y10 UID THREAD REFERENCES UTF-8 SUBJECT lunch").ok().has("* THREAD (3)");
            c.run("y11 SORT (BOGUS) UTF-8 ALL").bad();
        }
    }

    @Test
    void addressKeysAlsoMatchTheParsedAddressesWithoutComments() throws Exception {
        String own = server.newUser("searchaddr");
        server.deliver(own, "From: <user (comment)@ (comment) example.org>\r\nTo: a@example.org\r\nSubject: 1\r\n\r\nx\r\n");
        server.deliver(own, "From: \"Some One\" <some@example.org>\r\nTo: friends: b@example.org,\r\n c@example.org;\r\n"
                + "Cc: <>\r\nSubject: 2\r\n\r\nx\r\n");
        try (ImapTestClient c = ImapTestClient.login(server, own)) {
            c.run("h1 SELECT INBOX").ok();
            // RFC 3501 §6.4.4: FROM "contains the specified string"; the address is user@example.org
            c.run("h2 SEARCH FROM user@example.org").ok().has("* SEARCH 1");
            c.run("h3 SEARCH FROM comment").ok().has("* SEARCH 1"); // the header text still counts
            c.run("h4 SEARCH FROM \"one <some@\"").ok().has("* SEARCH 2");
            c.run("h5 SEARCH TO \"b@example.org, c@\"").ok().has("* SEARCH 2");
            c.run("h6 SEARCH CC missing").ok().has("* SEARCH");
            c.run("h7 SEARCH BCC user@example.org").ok().has("* SEARCH");
        }
    }

    @Test
    void sortByAddressesTakesTheFirstEnvelopeAddressWhichForAGroupIsItsName() throws Exception {
        String own = server.newUser("sortgroups");
        server.deliver(own, "From: a@example.org\r\nTo: zed@example.org\r\nCc: bob@example.org\r\nSubject: 1\r\n\r\nx\r\n");
        server.deliver(own, "From: a@example.org\r\nTo: alpha: carol@example.org, ann@example.org;\r\n"
                + "Cc: carl: ann@example.org;\r\nSubject: 2\r\n\r\nx\r\n");
        server.deliver(own, "From: a@example.org\r\nTo: Bea <bea@example.org>\r\nCc: ann@example.org\r\nSubject: 3\r\n\r\nx\r\n");
        try (ImapTestClient c = ImapTestClient.login(server, own)) {
            c.run("g1 SELECT INBOX").ok();
            // RFC 5256 §3: the first address's mailbox; RFC 3501 §7.4.2: a group starts with a marker
            // whose mailbox is the group name, so message 2 sorts as "carl" (CC) and "alpha" (TO)
            c.run("g2 SORT (CC) US-ASCII ALL").ok().has("* SORT 3 1 2");
            c.run("g3 SORT (TO) US-ASCII ALL").ok().has("* SORT 2 3 1");
            // RFC 5957: the first address's display name, else its address: a group shows as its name
            c.run("g4 SORT (DISPLAYTO) US-ASCII ALL").ok().has("* SORT 2 3 1");
            c.run("g5 SORT (REVERSE DISPLAYTO) US-ASCII ALL").ok().has("* SORT 1 3 2");
        }
    }

    @Test
    void sortAndSearchCollateByUnicodeCasemap() throws Exception {
        String user = server.newUser("collate");
        for (String subject : List.of("Zebra crossing", "=?utf-8?q?=C3=89mile_arrives?=", "echo chamber",
                "=?utf-8?b?UsOpdW5pb24gamV1ZGk=?=", "Re: =?utf-8?q?e=CC=81mile_ARRIVES?=")) {
            server.deliver(user, "From: a@example.org\r\nSubject: " + subject + "\r\n\r\nbody\r\n");
        }
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            assertTrue(c.run("u0 CAPABILITY").ok().one("* CAPABILITY ").contains(" I18NLEVEL=1 "));
            c.run("u1 SELECT INBOX").ok();
            // RFC 5256 §1 + RFC 5051: "Émile" sorts as E + U+0301 (after "echo", before "Réunion"), not after "Zebra"
            c.run("u2 SORT (SUBJECT) UTF-8 ALL").ok().has("* SORT 3 2 5 4 1");
            c.run("u3 SEARCH CHARSET UTF-8 SUBJECT re").ok().has("* SEARCH 4 5"); // R, E, U+0301, U, ...; "Re:"
            c.run("u4 SEARCH SUBJECT MILE").ok().has("* SEARCH 2 5");
            c.run("u5 SEARCH CHARSET UTF-8 SUBJECT {8+}\r\nrÉunion").ok().has("* SEARCH 4");
            // one base subject, composed or decomposed, any case: one thread (threads in date order)
            c.run("u6 THREAD ORDEREDSUBJECT UTF-8 ALL").ok().has("* THREAD (1)(2 5)(3)(4)");
        }
    }

    /** RFC 5256 §5: branches are thread-lists written back to back after the chain's numbers. */
    @Test
    void threadBranchesAreNestedListsBackToBack() throws Exception {
        String user = server.newUser("branches");
        String[][] messages = {{"a", ""}, {"b", "<a@example.org>"}, {"c", "<a@example.org>"}, {"d", "<a@example.org> <b@example.org>"},
                {"e", ""}};
        for (int i = 0; i < messages.length; i++) {
            String refs = messages[i][1].isEmpty() ? "" : "References: " + messages[i][1] + "\r\n";
            server.deliver(user, "From: a@example.org\r\nSubject: topic " + messages[i][0] + "\r\nMessage-ID: <" + messages[i][0]
                    + "@example.org>\r\n" + refs + "Date: Mon, 7 Feb 1994 21:5" + i + ":25 -0800\r\n\r\nbody\r\n");
        }
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("v1 SELECT INBOX").ok();
            c.run("v2 THREAD REFERENCES UTF-8 ALL").ok().has("* THREAD (1 (2 4)(3))(5)");
            c.run("v3 UID THREAD REFERENCES UTF-8 NOT SUBJECT e").ok().has("* THREAD (1 (2 4)(3))");
        }
    }
}
