package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared mailboxes over real sockets, two users' sessions at once: RFC 4314 ACL commands, RFC 2342
 * namespaces, RFC 8440 LIST-MYRIGHTS, and every command refused where the rights end.
 */
class ImapSharedMailboxTest {
    @RegisterExtension
    static final TestServer server = new TestServer("[imap]\nshared_account = \"shared\"\n");

    static final String MSG = ImapMessageTest.MSG;

    private static String shared(String owner, String folder) {
        return "\"Other Users/" + owner + "/" + folder + "\"";
    }

    @Test
    void anOwnerSharesAFolderAndTheGranteeUsesItWithinItsRights() throws Exception {
        String alice = server.newUser("alice");
        String bob = server.newUser("bob");
        String team = shared(alice, "Team");
        try (ImapTestClient a = ImapTestClient.login(server, alice); ImapTestClient b = ImapTestClient.login(server, bob)) {
            a.run("a1 CAPABILITY").ok().one("* CAPABILITY ").contains(" ACL RIGHTS=texk LIST-MYRIGHTS");
            a.run("a2 CREATE Team").ok();
            a.run("a3 " + ImapMessageTest.append("Team", "(\\Flagged)", MSG)).ok();
            a.run("a4 SETACL Team " + bob + " lrs").ok();
            a.run("a5 GETACL Team").ok().has("* ACL \"Team\" \"" + alice + "\" lrswipkxtea \"" + bob + "\" lrs");
            a.run("a6 MYRIGHTS Team").ok().has("* MYRIGHTS \"Team\" lrswipkxtea");
            a.run("a7 LISTRIGHTS Team " + bob).ok().has("* LISTRIGHTS \"Team\" \"" + bob + "\" \"\" l r s w i p k x t e a");
            a.run("a8 SETACL Team " + bob + " lrsz").bad();

            b.run("b1 NAMESPACE").ok().has("* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared/\" \"/\"))");
            var list = b.run("b2 LIST \"\" \"Other Users/*\" RETURN (MYRIGHTS)").ok();
            assertEquals(List.of("* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users/" + alice + "\"",
                    "* LIST (\\HasNoChildren) \"/\" " + team, "* MYRIGHTS " + team + " lrs"), list.untagged());
            b.run("b3 LIST \"\" \"*\"").ok().has("* LIST (\\HasNoChildren) \"/\" " + team).has("* LIST (\\HasNoChildren) \"/\" \"INBOX\"");
            b.run("b4 MYRIGHTS " + team).ok().has("* MYRIGHTS " + team + " lrs");
            b.run("b5 GETACL " + team).no().code("NOPERM");
            b.run("b6 SETACL " + team + " " + bob + " +a").no().code("NOPERM");
            b.run("b7 STATUS " + team + " (MESSAGES UNSEEN)").ok().has("* STATUS " + team + " (MESSAGES 1 UNSEEN 1)");

            b.run("b8 SELECT " + team).ok().code("READ-WRITE").has("* 1 EXISTS").has("* OK [PERMANENTFLAGS (\\Seen)] Flags permitted");
            b.run("b9 FETCH 1 (FLAGS)").ok().has("* 1 FETCH (FLAGS (\\Flagged \\Recent))");
            b.run("b10 STORE 1 +FLAGS (\\Answered)").no().code("NOPERM");
            b.run("b11 STORE 1 +FLAGS (\\Deleted)").no().code("NOPERM");
            b.run("b12 STORE 1 FLAGS (\\Seen)").no().code("NOPERM"); // replacing touches \Flagged too
            b.run("b13 STORE 1 +FLAGS (\\Seen)").ok().has("* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged \\Recent))");
            b.run("b14 EXPUNGE").no().code("NOPERM");
            b.run("b15 " + ImapMessageTest.append(team, "", MSG)).no().code("NOPERM");
            b.run("b16 MOVE 1 INBOX").no().code("NOPERM");

            // IDLE across users: the owner's delivery into the folder reaches the grantee
            b.send("b17 IDLE");
            b.expectLine("+ idling");
            a.run("a9 " + ImapMessageTest.append("Team", "", MSG)).ok();
            b.expectLine("* 2 EXISTS");
            b.expectLine("* 2 RECENT");
            b.send("DONE");
            b.expectPrefix("b17 OK");

            // "i": the grantee appends and copies in; the owner's quota pays for it
            a.run("a10 SETACL Team " + bob + " +ie").ok();
            long aliceUsed = server.account(alice).usedBytes(), bobUsed = server.account(bob).usedBytes();
            b.run("b18 " + ImapMessageTest.append(team, "(\\Seen \\Flagged)", MSG)).ok().code("APPENDUID").has("* 3 EXISTS");
            assertTrue(server.account(alice).usedBytes() > aliceUsed, "the owner is charged");
            assertEquals(bobUsed, server.account(bob).usedBytes(), "the grantee is not");
            b.run("b20 FETCH 3 (FLAGS)").ok().has("* 3 FETCH (FLAGS (\\Seen \\Recent))"); // no "w": \Flagged dropped
            b.run("b21 COPY 1 INBOX").ok().code("COPYUID");
            b.run("b22 STATUS INBOX (MESSAGES)").ok().has("* STATUS \"INBOX\" (MESSAGES 1)");
            a.run("a11 STATUS Team (MESSAGES)").ok().has("* STATUS \"Team\" (MESSAGES 3)");

            // taking the grant away takes the mailbox out of sight
            a.run("a12 DELETEACL Team " + bob).ok();
            a.run("a13 GETACL Team").ok().has("* ACL \"Team\" \"" + alice + "\" lrswipkxtea");
            b.run("b23 LIST \"\" \"Other Users/*\"").ok().lacks("* LIST");
            b.run("b24 STATUS " + team + " (MESSAGES)").no().code("NONEXISTENT");
        }
    }

    /** \Seen is each user's own on a shared folder; every other flag is the folder's. */
    @Test
    void seenIsPrivateToEachUserOnASharedFolder() throws Exception {
        String alice = server.newUser("seen-owner");
        String bob = server.newUser("seen-grantee");
        String box = shared(alice, "Common");
        try (ImapTestClient a = ImapTestClient.login(server, alice); ImapTestClient b = ImapTestClient.login(server, bob)) {
            a.run("a1 CREATE Common").ok();
            a.run("a2 " + ImapMessageTest.append("Common", "(\\Seen)", MSG)).ok();
            a.run("a3 " + ImapMessageTest.append("Common", "", MSG)).ok();
            a.run("a4 SETACL Common " + bob + " lrswit").ok();

            // alice's \Seen is not bob's
            b.run("b1 SELECT " + box).ok().has("* OK [UNSEEN 1] First unseen");
            b.run("b2 FETCH 1:2 (FLAGS)").ok().has("* 1 FETCH (FLAGS (\\Recent))").has("* 2 FETCH (FLAGS (\\Recent))");
            b.run("b3 STORE 2 +FLAGS (\\Seen \\Flagged)").ok().has("* 2 FETCH (UID 2 FLAGS (\\Seen \\Flagged \\Recent))");
            b.run("b4 SEARCH UNSEEN").ok().has("* SEARCH 1");
            b.run("b5 SEARCH SEEN").ok().has("* SEARCH 2");
            b.run("b6 FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)])").ok().one("* 1 FETCH ").contains("FLAGS (\\Seen \\Recent)");
            b.run("b7 STATUS " + box + " (UNSEEN)").ok().has("* STATUS " + box + " (UNSEEN 0)");
            a.run("a5 STATUS Common (UNSEEN)").ok().has("* STATUS \"Common\" (UNSEEN 1)");
            a.run("a6 SELECT Common").ok();
            var owner = a.run("a7 FETCH 1:2 (FLAGS)").ok();
            owner.has("* 1 FETCH (FLAGS (\\Seen))").has("* 2 FETCH (FLAGS (\\Flagged))"); // \Flagged is shared

            // replacing bob's flags leaves alice's \Seen alone
            b.run("b8 STORE 1:2 FLAGS (\\Answered)").ok()
                    .has("* 1 FETCH (UID 1 FLAGS (\\Answered \\Recent))").has("* 2 FETCH (UID 2 FLAGS (\\Answered \\Recent))");
            a.run("a8 FETCH 1:2 (FLAGS)").ok().has("* 1 FETCH (FLAGS (\\Seen \\Answered))").has("* 2 FETCH (FLAGS (\\Answered))");

            // what bob appends or copies in with \Seen is seen by bob only
            b.run("b9 " + ImapMessageTest.append(box, "(\\Seen)", MSG)).ok().has("* 3 EXISTS");
            b.run("b10 FETCH 3 (FLAGS)").ok().has("* 3 FETCH (FLAGS (\\Seen \\Recent))");
            a.run("a9 NOOP").ok().has("* 3 EXISTS");
            a.run("a10 FETCH 3 (FLAGS)").ok().has("* 3 FETCH (FLAGS ())");
            b.run("b11 STORE 1 -FLAGS (\\Seen)").ok();
            b.run("b12 COPY 1:2 INBOX").ok(); // into bob's own: as bob has them
            b.run("b13 EXAMINE INBOX").ok();
            b.run("b14 FETCH 1:2 (FLAGS)").ok().has("* 1 FETCH (FLAGS (\\Answered \\Recent))")
                    .has("* 2 FETCH (FLAGS (\\Answered \\Recent))");
        }
    }

    /**
     * RFC 4314 §4: without "l" (or "r") a mailbox is answered exactly as one that does not exist;
     * with "l" alone the session learns it exists and is refused with NOPERM.
     */
    @Test
    void everyCommandOnAMailboxWithoutRightsIsRefusedAndRevealsNothing() throws Exception {
        String alice = server.newUser("owner");
        String bob = server.newUser("other");
        String sharedAccount = "shared@" + server.domain(); // its folders are "Shared/..." to the domain's users
        server.server().directory().addAccount(sharedAccount, TestServer.PASSWORD.toCharArray(), 0, dev.letterbox.store.Protocol.all());
        try (ImapTestClient a = ImapTestClient.login(server, alice); ImapTestClient b = ImapTestClient.login(server, bob);
             ImapTestClient p = ImapTestClient.login(server, sharedAccount)) {
            a.run("a1 CREATE Secret").ok();
            a.run("a2 CREATE Listed").ok();
            a.run("a3 " + ImapMessageTest.append("Secret", "", MSG)).ok();
            a.run("a4 SETACL Listed anyone l").ok(); // "anyone": bob among every account
            a.run("a4b CREATE Open").ok();
            a.run("a4c SETACL Open anyone lrswipkxtea").ok(); // rights on one folder say nothing of the others
            p.run("p1 CREATE Secret").ok();
            p.run("p2 " + ImapMessageTest.append("Secret", "", MSG)).ok();
            p.run("p3 CREATE Listed").ok();
            p.run("p4 SETACL Listed \"$" + server.domain() + "\" l").ok();
            p.run("p5 CREATE Open").ok();
            p.run("p6 SETACL Open anyone lrswipkxtea").ok();
            server.deliver(bob, MSG);
            b.run("b0 SELECT INBOX").ok();

            String secret = shared(alice, "Secret"), missing = shared(alice, "Missing"), nobody = shared("nobody@nowhere.test", "X");
            // COPY and MOVE first, from the selected INBOX: a failed SELECT leaves no mailbox selected
            List<String> commands = List.of("COPY 1 %s", "MOVE 1 %s", "UID COPY 1 %s", "SELECT %s", "EXAMINE %s",
                    "STATUS %s (MESSAGES)", "CREATE %c", "DELETE %s", "RENAME %s \"Other Users/" + alice + "/Renamed\"",
                    "GETACL %s", "SETACL %s " + bob + " lrswipkxtea", "DELETEACL %s " + bob, "LISTRIGHTS %s " + bob,
                    "MYRIGHTS %s", "SUBSCRIBE %s", ImapMessageTest.append("%s", "", MSG));
            int n = 0;
            for (String command : commands) {
                String asSecret = b.run("s" + n + " " + command.replace("%c", shared(alice, "Secret/Sub")).replace("%s", secret)).no().tagged();
                String asMissing = b.run("s" + n + " " + command.replace("%c", shared(alice, "Missing/Sub")).replace("%s", missing)).no().tagged();
                String asNobody = b.run("s" + n + " " + command.replace("%c", shared("nobody@nowhere.test", "X/Sub")).replace("%s", nobody)).no().tagged();
                String asSharedSecret = b.run("s" + n + " " + command.replace("%c", "Shared/Secret/Sub").replace("%s", "Shared/Secret")).no().tagged();
                String asSharedMissing = b.run("s" + n + " " + command.replace("%c", "Shared/Missing/Sub").replace("%s", "Shared/Missing")).no().tagged();
                assertEquals(asMissing, asSecret, command);
                assertEquals(asMissing, asNobody, command);
                assertEquals(asMissing, asSharedSecret, command);
                assertEquals(asMissing, asSharedMissing, command);
                n++;
            }
            b.run("b1 LIST \"\" \"*\"").ok().lacks("* LIST (\\HasNoChildren) \"/\" " + secret)
                    .lacks("* LIST (\\HasNoChildren) \"/\" \"Shared/Secret\"").has("* LIST (\\HasNoChildren) \"/\" \"Shared/Open\"");
            b.run("b2 LSUB \"\" \"*\"").ok().lacks("* LSUB () \"/\" \"Other Users");

            // "l" alone: listed, and every other use is refused with NOPERM
            String listed = shared(alice, "Listed");
            b.run("b3 LIST \"\" \"Other Users/%/%\"").ok().has("* LIST (\\HasNoChildren) \"/\" " + listed);
            b.run("b3a SELECT INBOX").ok();
            b.run("b3b LIST \"\" \"Shared/%\"").ok().has("* LIST (\\HasNoChildren) \"/\" \"Shared/Listed\"");
            b.run("b3c SELECT INBOX").ok();
            for (String command : List.of("COPY 1 %s", "MOVE 1 %s", "SELECT %s", "EXAMINE %s", "STATUS %s (MESSAGES)",
                    "CREATE %c", "DELETE %s", "RENAME %s \"Other Users/" + alice + "/Renamed\"", "GETACL %s",
                    "SETACL %s " + bob + " lrswipkxtea", ImapMessageTest.append("%s", "", MSG))) {
                b.run("l" + n++ + " " + command.replace("%c", shared(alice, "Listed/Sub")).replace("%s", listed)).no().code("NOPERM");
                b.run("l" + n++ + " " + command.replace("%c", "Shared/Listed/Sub").replace("%s", "Shared/Listed")).no().code("NOPERM");
            }
            b.run("b4 MYRIGHTS " + listed).ok().has("* MYRIGHTS " + listed + " l");
            b.run("b5 SUBSCRIBE " + listed).ok();

            // "lr": readable, read-only; FETCH and SEARCH work, STORE and EXPUNGE are refused, nothing becomes \Seen
            a.run("a5 SETACL Secret " + bob + " lr").ok();
            b.run("b6 SELECT " + secret).ok().code("READ-ONLY");
            b.run("b7 FETCH 1 (BODY[])").ok();
            b.run("b8 SEARCH UNSEEN").ok().has("* SEARCH 1");
            b.run("b9 STORE 1 +FLAGS (\\Seen)").no();
            b.run("b10 EXPUNGE").no();
            a.run("a6 FETCH 1 (FLAGS)").bad(); // not selected; the owner's view below
            a.run("a7 STATUS Secret (UNSEEN)").ok().has("* STATUS \"Secret\" (UNSEEN 1)");

            // the other namespaces are not the personal one
            b.run("b11 CREATE \"Other Users/mine\"").no();
            b.run("b12 CREATE Shared/mine").no(); // the domain's shared account's, not bob's
        }
    }
}
