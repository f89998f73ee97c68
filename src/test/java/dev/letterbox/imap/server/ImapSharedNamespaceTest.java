package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Protocol;
import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "Shared/" namespace (RFC 2342 §5: each domain's shared account, {@code [imap] shared_account}),
 * grants to groups (RFC 4314 §2 "anyone", "authenticated", "$domain"), and a grantee's private
 * \Seen pushed to its own other sessions, over real sockets with several users at once.
 */
class ImapSharedNamespaceTest {
    @RegisterExtension
    static final TestServer server = new TestServer("[imap]\nshared_account = \"shared\"\n");

    static final String MSG = ImapMessageTest.MSG;
    static final String OTHER_DOMAIN = "elsewhere.test";

    /** The domain's shared account, made once (its address is fixed by the configuration). */
    private static synchronized String sharedAccount() {
        String address = "shared@" + server.domain();
        if (server.server().directory().account(address).isEmpty()) {
            server.server().directory().addAccount(address, TestServer.PASSWORD.toCharArray(), 0, Protocol.all());
        }
        return address;
    }

    private static synchronized String userOfOtherDomain(String prefix) {
        if (!server.server().directory().hostsDomain(OTHER_DOMAIN)) server.server().directory().addDomain(OTHER_DOMAIN);
        String address = prefix + "-" + System.nanoTime() + "@" + OTHER_DOMAIN;
        server.server().directory().addAccount(address, TestServer.PASSWORD.toCharArray(), 0, Protocol.all());
        return address;
    }

    @Test
    void theDomainsSharedAccountFoldersAreUnderSharedForThoseGrantedRights() throws Exception {
        String shared = sharedAccount();
        String bob = server.newUser("bob");
        String carol = server.newUser("carol");
        String stranger = userOfOtherDomain("stranger");
        try (ImapTestClient o = ImapTestClient.login(server, shared); ImapTestClient b = ImapTestClient.login(server, bob);
             ImapTestClient c = ImapTestClient.login(server, carol); ImapTestClient x = ImapTestClient.login(server, stranger)) {
            o.run("o1 CREATE Sales").ok();
            o.run("o2 CREATE Board").ok();
            o.run("o3 " + ImapMessageTest.append("Sales", "", MSG)).ok();
            o.run("o4 SETACL Sales \"$" + server.domain() + "\" lrswi").ok(); // the whole domain
            o.run("o5 SETACL Board " + bob + " lr").ok();

            b.run("b1 NAMESPACE").ok().has("* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared/\" \"/\"))");
            var list = b.run("b2 LIST \"\" \"Shared/*\" RETURN (MYRIGHTS)").ok();
            assertEquals(List.of("* LIST (\\HasNoChildren) \"/\" \"Shared/Board\"", "* MYRIGHTS \"Shared/Board\" lr",
                    "* LIST (\\HasNoChildren) \"/\" \"Shared/Sales\"", "* MYRIGHTS \"Shared/Sales\" lrswi"), list.untagged());
            b.run("b3 LIST \"\" %").ok().has("* LIST (\\Noselect \\HasChildren) \"/\" \"Shared\"");
            c.run("c1 LIST \"\" \"Shared/*\"").ok().has("* LIST (\\HasNoChildren) \"/\" \"Shared/Sales\"").lacks("* LIST (\\HasNoChildren) \"/\" \"Shared/Board\"");
            c.run("c2 STATUS Shared/Board (MESSAGES)").no().code("NONEXISTENT");
            // another domain's users have no "Shared/" here, and the domain grant is not theirs
            x.run("x1 LIST \"\" *").ok().lacks("* LIST (\\HasNoChildren) \"/\" \"Shared")
                    .lacks("* LIST (\\HasNoChildren) \"/\" \"Other Users/" + shared);
            x.run("x2 STATUS \"Other Users/" + shared + "/Sales\" (MESSAGES)").no().code("NONEXISTENT");

            b.run("b4 SELECT Shared/Sales").ok().code("READ-WRITE").has("* 1 EXISTS");
            c.run("c3 SELECT Shared/Board").no().code("NONEXISTENT");

            // IDLE across users on a shared folder; what a user adds is charged to the shared account
            b.send("b5 IDLE");
            b.expectLine("+ idling");
            long sharedUsed = server.account(shared).usedBytes(), carolUsed = server.account(carol).usedBytes();
            c.run("c5 " + ImapMessageTest.append("Shared/Sales", "(\\Flagged)", MSG)).ok().code("APPENDUID");
            b.expectLine("* 2 EXISTS");
            b.expectLine("* 2 RECENT"); // bob alone has it selected: both are recent for bob
            b.send("DONE");
            b.expectPrefix("b5 OK");
            assertTrue(server.account(shared).usedBytes() > sharedUsed, "the shared account is charged");
            assertEquals(carolUsed, server.account(carol).usedBytes(), "the user who added it is not");
            o.run("o6 STATUS Sales (MESSAGES)").ok().has("* STATUS \"Sales\" (MESSAGES 2)");
            c.run("c4 SELECT Shared/Sales").ok().has("* 2 EXISTS");
            b.run("b6 COPY 1 Shared/Sales").ok().code("COPYUID");
            b.run("b7 COPY 1 Shared/Board").no().code("NOPERM"); // "lr": no "i"

            // "Shared/" names the shared account's folders, not new personal ones, and the root is no mailbox
            b.run("b8 CREATE Shared/Mine").no();
            b.run("b9 CREATE Shared").no();
            b.run("b10 SELECT Shared").no().code("NONEXISTENT");
            b.run("b11 MYRIGHTS Shared/Sales").ok().has("* MYRIGHTS \"Shared/Sales\" lrswi");
            b.run("b12 GETACL Shared/Sales").no().code("NOPERM");
            // the shared account sees its folders as its own
            o.run("o7 MYRIGHTS Shared/Sales").ok().has("* MYRIGHTS \"Shared/Sales\" lrswipkxtea");
        }
    }

    @Test
    void groupsGetRightsForEveryMember() throws Exception {
        String alice = server.newUser("group-owner");
        String bob = server.newUser("group-member");
        String stranger = userOfOtherDomain("outsider");
        String team = "\"Other Users/" + alice + "/Team\"";
        String domainGroup = "$" + server.domain();
        try (ImapTestClient a = ImapTestClient.login(server, alice); ImapTestClient b = ImapTestClient.login(server, bob);
             ImapTestClient x = ImapTestClient.login(server, stranger)) {
            a.run("a1 CREATE Team").ok();
            a.run("a2 " + ImapMessageTest.append("Team", "", MSG)).ok();
            a.run("a3 SETACL Team anyone lr").ok();
            a.run("a4 SETACL Team \"" + domainGroup + "\" s").ok();
            a.run("a5 SETACL Team " + bob + " w").ok();
            a.run("a6 GETACL Team").ok().has("* ACL \"Team\" \"" + alice + "\" lrswipkxtea \"" + domainGroup + "\" s \"anyone\" lr \""
                    + bob + "\" w");
            a.run("a7 LISTRIGHTS Team anyone").ok().has("* LISTRIGHTS \"Team\" \"anyone\" \"\" l r s w i p k x t e a");

            // a member has its own grant and its groups' together; "+" changes the entry named, not the others
            b.run("b1 MYRIGHTS " + team).ok().has("* MYRIGHTS " + team + " lrsw");
            b.run("b2 LIST \"\" \"Other Users/*\" RETURN (MYRIGHTS)").ok().has("* MYRIGHTS " + team + " lrsw");
            x.run("x1 MYRIGHTS " + team).ok().has("* MYRIGHTS " + team + " lr");
            x.run("x2 SELECT " + team).ok().code("READ-ONLY");
            a.run("a8 SETACL Team anyone +i").ok();
            a.run("a9 GETACL Team").ok().one("* ACL ").contains("\"anyone\" lri \"" + bob + "\" w");
            x.run("x3 " + ImapMessageTest.append(team, "", MSG)).ok();

            // taking the group's grant away leaves the others
            a.run("a10 DELETEACL Team anyone").ok();
            x.run("x4 STATUS " + team + " (MESSAGES)").no().code("NONEXISTENT");
            b.run("b3 MYRIGHTS " + team).no().code("NONEXISTENT"); // "sw" but neither "l" nor "r"
            a.run("a11 SETACL Team \"" + domainGroup + "\" +l").ok();
            b.run("b4 MYRIGHTS " + team).ok().has("* MYRIGHTS " + team + " lsw");

            // unknown groups and negative rights are refused
            a.run("a12 SETACL Team \"$nowhere.test\" lr").no().code("NONEXISTENT");
            a.run("a13 SETACL Team -" + bob + " w").no().code("CANNOT");
            a.run("a14 SETACL Team \"-anyone\" w").no().code("CANNOT");
        }
    }

    /**
     * A grantee's \Seen is its own: setting it in one of its sessions is pushed to its other
     * sessions on that mailbox (IDLE shows the FETCH), and to nobody else.
     */
    @Test
    void privateSeenReachesTheGranteesOtherSessionsOnly() throws Exception {
        String alice = server.newUser("seen-owner");
        String bob = server.newUser("seen-reader");
        String carol = server.newUser("seen-other");
        String box = "\"Other Users/" + alice + "/News\"";
        try (ImapTestClient a = ImapTestClient.login(server, alice); ImapTestClient b1 = ImapTestClient.login(server, bob);
             ImapTestClient b2 = ImapTestClient.login(server, bob); ImapTestClient c = ImapTestClient.login(server, carol)) {
            a.run("a1 CREATE News").ok();
            a.run("a2 " + ImapMessageTest.append("News", "", MSG)).ok();
            a.run("a3 " + ImapMessageTest.append("News", "", MSG)).ok();
            a.run("a4 SETACL News anyone lrs").ok();
            a.run("a5 SELECT News").ok();
            b1.run("b1 SELECT " + box).ok();
            b2.run("b2 SELECT " + box).ok();
            c.run("c1 SELECT " + box).ok();

            b2.send("b3 IDLE");
            b2.expectLine("+ idling");
            c.send("c2 IDLE");
            c.expectLine("+ idling");
            a.send("a6 IDLE");
            a.expectLine("+ idling");
            b1.run("b4 STORE 1 +FLAGS (\\Seen)").ok().has("* 1 FETCH (UID 1 FLAGS (\\Seen))");
            b2.expectLine("* 1 FETCH (UID 1 FLAGS (\\Seen))");
            b1.run("b5 FETCH 2 (BODY[])").ok(); // reading sets \Seen too
            b2.expectLine("* 2 FETCH (UID 2 FLAGS (\\Seen))");
            b1.run("b6 STORE 1 -FLAGS (\\Seen)").ok();
            b2.expectLine("* 1 FETCH (UID 1 FLAGS ())");
            b2.send("DONE");
            b2.expectPrefix("b3 OK");
            // carol and the owner heard nothing: the next line each reads is IDLE's end
            c.send("DONE");
            c.expectPrefix("c2 OK");
            a.send("DONE");
            a.expectPrefix("a6 OK");
            c.run("c3 FETCH 1:2 (FLAGS)").ok().has("* 1 FETCH (FLAGS ())").has("* 2 FETCH (FLAGS ())");
            b2.run("b7 FETCH 1:2 (FLAGS)").ok().has("* 1 FETCH (FLAGS ())").has("* 2 FETCH (FLAGS (\\Seen))");
        }
    }
}
