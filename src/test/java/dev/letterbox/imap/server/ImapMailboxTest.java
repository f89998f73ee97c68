package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CREATE, DELETE, RENAME, SUBSCRIBE, LIST/LSUB and STATUS (RFC 3501 §6.3, RFC 5258, RFC 5819,
 * RFC 6154, RFC 3348, RFC 8438), international names, and the wall between accounts.
 */
class ImapMailboxTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void createListDeleteWithHierarchy() throws Exception {
        String user = server.newUser("mbox");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("a1 CREATE Lists/imap/").ok();
            c.run("a2 CREATE Lists/imap").no().code("ALREADYEXISTS");
            c.run("a3 CREATE inbox").no().code("ALREADYEXISTS");
            c.run("a4 CREATE \"a//b\"").no().code("CANNOT");
            c.run("a5 CREATE \"/etc\"").no().code("CANNOT");
            c.run("a6 CREATE \"\"").no().code("CANNOT");
            c.run("a7 CREATE \"new%\"").no().code("CANNOT");
            var all = c.run("a8 LIST \"\" *").ok();
            assertEquals(List.of(
                    "* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
                    "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
                    "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                    "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
                    "* LIST (\\HasChildren) \"/\" \"Lists\"",
                    "* LIST (\\HasNoChildren) \"/\" \"Lists/imap\"",
                    "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
                    "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\""), all.untagged());
            assertEquals(List.of("* LIST (\\HasChildren) \"/\" \"Lists\""), c.run("a9 LIST \"\" L%").ok().untagged());
            assertEquals(List.of("* LIST (\\HasNoChildren) \"/\" \"Lists/imap\""), c.run("a10 LIST Lists/ %").ok().untagged());
            assertEquals(List.of("* LIST (\\HasNoChildren) \"/\" \"INBOX\""), c.run("a11 LIST \"\" inbox").ok().untagged());
            assertEquals(List.of("* LIST (\\Noselect) \"/\" \"\""), c.run("a12 LIST \"\" \"\"").ok().untagged());
            c.run("a13 DELETE INBOX").no();
            c.run("a14 DELETE Nope").no().code("NONEXISTENT");
            // RFC 3501 §6.3.4: deleting a parent keeps the children; the level stays, \Noselect
            c.run("a15 DELETE Lists").ok();
            assertEquals(List.of("* LIST (\\Noselect \\HasChildren) \"/\" \"Lists\""), c.run("a16 LIST \"\" Lists").ok().untagged());
            c.run("a17 SELECT Lists").no().code("NONEXISTENT");
        }
    }

    /** A "." or ".." level, or an empty one, never becomes a folder: NO [CANNOT] (RFC 5530) saying why. */
    @Test
    void dotAndEmptyLevelsAreRefusedWhereverANameIsMade() throws Exception {
        String victim = server.newUser("victim");
        String user = server.newUser("dots");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            var r = c.run("d1 CREATE \"../" + victim + "/INBOX/evil\"").no().code("CANNOT");
            assertTrue(r.tagged().contains("\"..\""), r.tagged());
            for (String bad : List.of(".", "..", "a/./b", "a/../b", "INBOX/..", "./x", "a//b", "/a", "//", "a//")) {
                c.run("d2 CREATE \"" + bad + "\"").no().code("CANNOT");
            }
            c.run("d3 CREATE Work").ok();
            for (String bad : List.of("..", "../" + victim + "/INBOX", "Work/.", "a//b", "/Work2")) {
                c.run("d4 RENAME Work \"" + bad + "\"").no().code("CANNOT");
            }
            c.run("d5 RENAME INBOX \"../inbox-copy\"").no().code("CANNOT");
            for (String line : c.run("d6 LIST \"\" *").ok().untagged()) {
                assertTrue(!line.contains("\"..") && !line.contains("\".") && !line.contains("/.") && !line.contains("evil"), line);
            }
            c.run("d7 CREATE \"a.b/...\"").ok(); // dots inside a level are ordinary characters
            c.run("d8 CREATE Projects/").ok(); // RFC 3501 §6.3.3: one trailing separator only announces children
        }
    }

    @Test
    void renameMovesChildrenAndInboxRenameLeavesAnEmptyInbox() throws Exception {
        String user = server.newUser("rename");
        server.deliver(user, ImapMessageTest.MSG);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("b1 CREATE Old/child").ok();
            c.run("b2 RENAME Old New").ok();
            assertEquals(List.of("* LIST (\\HasChildren) \"/\" \"New\"", "* LIST (\\HasNoChildren) \"/\" \"New/child\""),
                    c.run("b3 LIST \"\" New*").ok().untagged());
            c.run("b4 RENAME Nope Other").no().code("NONEXISTENT");
            c.run("b5 RENAME New Sent").no().code("ALREADYEXISTS");
            c.run("b6 RENAME INBOX Saved").ok();
            c.run("b7 STATUS INBOX (MESSAGES)").ok().has("* STATUS \"INBOX\" (MESSAGES 0)");
            c.run("b8 STATUS Saved (MESSAGES)").ok().has("* STATUS \"Saved\" (MESSAGES 1)");
        }
    }

    @Test
    void subscriptionsListAndLsub() throws Exception {
        String user = server.newUser("subs");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("c1 CREATE Foo/Bar").ok();
            c.run("c2 SUBSCRIBE Foo/Bar").ok();
            c.run("c3 SUBSCRIBE Ghost").ok();
            var lsub = c.run("c4 LSUB \"\" *").ok();
            assertTrue(lsub.untagged().contains("* LSUB () \"/\" \"Foo/Bar\""), lsub.untagged().toString());
            assertTrue(lsub.untagged().contains("* LSUB () \"/\" \"Ghost\""));
            assertEquals(List.of("* LSUB (\\Noselect) \"/\" \"Foo\""), c.run("c5 LSUB \"\" F%").ok().untagged());
            var sel = c.run("c6 LIST (SUBSCRIBED) \"\" *").ok();
            assertTrue(sel.untagged().contains("* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Foo/Bar\""), sel.untagged().toString());
            assertTrue(sel.untagged().contains("* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" \"Ghost\""), sel.untagged().toString());
            var rec = c.run("c7 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" %").ok();
            assertTrue(rec.untagged().contains("* LIST (\\HasChildren) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"), rec.untagged().toString());
            c.run("c8 LIST (RECURSIVEMATCH) \"\" %").bad();
            // RFC 5258 §3.5: no CHILDINFO for a parent whose subscribed child is listed itself
            assertEquals(List.of("* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Foo/Bar\""),
                    c.run("c8a LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (Foo Foo/Bar)").ok().untagged());
            assertEquals(List.of("* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Foo/Bar\""),
                    c.run("c8b LIST (SUBSCRIBED RECURSIVEMATCH) \"\" F*").ok().untagged());
            assertEquals(List.of("* LIST (\\HasChildren) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"),
                    c.run("c8c LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (Foo Foo/Baz)").ok().untagged());
            c.run("c9 UNSUBSCRIBE Ghost").ok();
            assertEquals(List.of(), c.run("c10 LSUB \"\" Ghost").ok().untagged());
            var ret = c.run("c11 LIST \"\" Foo/Bar RETURN (SUBSCRIBED CHILDREN)").ok();
            assertEquals(List.of("* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Foo/Bar\""), ret.untagged());
        }
    }

    @Test
    void specialUseCreateAndSelection() throws Exception {
        String user = server.newUser("special");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("d1 CREATE MyFlagged (USE (\\Flagged))").ok();
            c.run("d2 CREATE Weird (USE (\\Bogus))").no().code("USEATTR");
            var uses = c.run("d3 LIST (SPECIAL-USE) \"\" *").ok();
            assertEquals(6, uses.untagged().size(), uses.untagged().toString());
            assertTrue(uses.untagged().contains("* LIST (\\HasNoChildren \\Flagged) \"/\" \"MyFlagged\""));
        }
    }

    @Test
    void statusItemsAndListStatus() throws Exception {
        String user = server.newUser("status");
        server.deliver(user, ImapMessageTest.MSG);
        server.deliver(user, ImapMessageTest.MSG);
        int size = ImapMessageTest.octets(ImapMessageTest.MSG);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            var st = c.run("e1 STATUS INBOX (MESSAGES RECENT UNSEEN SIZE DELETED)").ok();
            assertEquals("* STATUS \"INBOX\" (MESSAGES 2 RECENT 2 UNSEEN 2 SIZE " + (2 * size) + " DELETED 0)", st.one("* STATUS"));
            c.run("e2 STATUS Nope (MESSAGES)").no().code("NONEXISTENT");
            c.run("e3 STATUS INBOX ()").bad();
            var ls = c.run("e4 LIST \"\" INBOX RETURN (STATUS (MESSAGES UIDNEXT))").ok();
            assertEquals(List.of("* LIST (\\HasNoChildren) \"/\" \"INBOX\"", "* STATUS \"INBOX\" (MESSAGES 2 UIDNEXT 3)"), ls.untagged());
            var hm = c.run("e5 STATUS INBOX (HIGHESTMODSEQ UIDVALIDITY)").ok();
            assertTrue(hm.one("* STATUS").matches("\\* STATUS \"INBOX\" \\(HIGHESTMODSEQ \\d+ UIDVALIDITY \\d+\\)"));
        }
    }

    @Test
    void internationalNamesInModifiedUtf7AndUtf8() throws Exception {
        String user = server.newUser("intl");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("f1 CREATE Entw&APw-rfe").ok();
            c.run("f2 CREATE \"A&-B\"").ok();
            c.run("f3 CREATE Entw&APw").no().code("CANNOT"); // not valid modified UTF-7
            // such a name names no mailbox: NO for SELECT (which leaves the selected state), nothing for LIST
            c.run("f3a SELECT INBOX").ok();
            c.run("f3b SELECT !#$&'+,-.0123456789:;<=>?@^_`|[}").no();
            c.run("f3c FETCH 1 FLAGS").bad();
            assertEquals(List.of(), c.run("f3d LIST \"\" !#$&'+,-.0123456789:;<=>?@^_`|[}%*").ok().untagged());
            c.run("f3e STATUS Entw&APw (MESSAGES)").no().code("NONEXISTENT");
            assertEquals(List.of("* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\""), c.run("f4 LIST \"\" Entw*").ok().untagged());
            assertEquals(List.of("* LIST (\\HasNoChildren) \"/\" \"A&-B\""), c.run("f5 LIST \"\" A&-*").ok().untagged());
            c.run("f6 ENABLE UTF8=ACCEPT").ok().has("* ENABLED UTF8=ACCEPT");
            assertEquals(List.of("* LIST (\\HasNoChildren) \"/\" \"Entwürfe\""), c.run("f7 LIST \"\" Entw*").ok().untagged());
            c.run("f8 SELECT \"Entwürfe\"").ok();
            // NFC: e + combining acute names the same mailbox as é
            c.run("f9 CREATE \"Caf\u00e9\"").ok();
            c.run("f10 CREATE \"Cafe\u0301\"").no().code("ALREADYEXISTS");
        }
    }

    @Test
    void oneUserNeverReachesAnotherUsersMailboxes() throws Exception {
        String alice = server.newUser("alice");
        String bob = server.newUser("bob");
        server.deliver(bob, ImapMessageTest.MSG);
        try (ImapTestClient b = ImapTestClient.login(server, bob)) {
            b.run("x1 CREATE Secret").ok();
        }
        try (ImapTestClient a = ImapTestClient.login(server, alice)) {
            for (String name : List.of("Secret", "../" + bob + "/INBOX", bob + "/INBOX", "/INBOX", "%", "*",
                    "..", "INBOX/../Secret", "SECRET", "~" + bob + "/Secret", "#shared/" + bob)) {
                var r = a.run("x2 SELECT \"" + name + "\"");
                assertTrue(r.tagged().startsWith("x2 NO") || r.tagged().startsWith("x2 BAD"), name + ": " + r.tagged());
                r = a.run("x3 STATUS \"" + name + "\" (MESSAGES)");
                assertTrue(r.tagged().startsWith("x3 NO") || r.tagged().startsWith("x3 BAD"), name + ": " + r.tagged());
            }
            var list = a.run("x4 LIST \"\" *").ok();
            for (String l : list.untagged()) assertTrue(!l.contains("Secret") && !l.contains(bob), l);
            a.run("x5 SELECT INBOX").ok().has("* 0 EXISTS");
            a.run("x6 COPY 1 Secret").bad();
        }
    }
}
