package dev.letterbox.cli;

import static dev.letterbox.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Rights;
import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code letterbox share}: grants made from the command line are the running server's (IMAP ACL). */
class ShareCommandTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static String data() {
        return server.dataDir().toString();
    }

    @Test
    void shareGivesListsAndTakesAwayRightsOnAFolder() {
        String owner = server.newUser("owner");
        String grantee = server.newUser("grantee");
        Cli.Result given = run("share", owner, "Sent", grantee, "lrs", "--data", data());
        assertEquals(0, given.exit(), given.err());
        assertEquals(grantee + " has lrs on " + owner + " Sent\n", given.out());
        long sent = server.server().store().read(server.account(owner).id(), tx -> tx.mailbox("Sent").orElseThrow().id());
        assertEquals(Rights.parse("lrs").orElseThrow(), server.server().store().grants().rights(sent, server.account(grantee).id()),
                "the running server has the grant");

        assertEquals("Sent\t" + grantee + "\tlrs\n", run("share", "--list", owner, "--data", data()).out());
        assertEquals(owner + "\tSent\tlrs\n", run("share", "--with", grantee, "--data", data()).out());

        Cli.Result bad = run("share", owner, "Sent", grantee, "lrz", "--data", data());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("unknown right"), bad.err());
        assertTrue(run("share", owner, "Nope", grantee, "l", "--data", data()).err().contains("has no folder Nope"));
        assertTrue(run("share", owner, "Sent", owner, "l", "--data", data()).err().contains("every right"));
        assertEquals(2, run("share", owner, "Sent", "--data", data()).exit());

        Cli.Result removed = run("share", owner, "Sent", grantee, "none", "--data", data());
        assertEquals(grantee + " no longer has access to " + owner + " Sent\n", removed.out());
        assertEquals("", run("share", "--list", owner, "--data", data()).out());

        assertEquals(grantee + " may send as " + owner + "\n", run("share", "--send-as", owner, grantee, "--data", data()).out());
        assertEquals("(send as)\t" + grantee + "\n", run("share", "--list", owner, "--data", data()).out());
        assertEquals(List.of(owner), server.server().store().grants().sendAsOwners(server.account(grantee).id()).stream()
                .map(dev.letterbox.store.Account::address).toList());
        assertEquals(grantee + " may no longer send as " + owner + "\n",
                run("share", "--send-as", owner, grantee, "--off", "--data", data()).out());
        assertEquals("", run("share", "--list", owner, "--data", data()).out());
        assertEquals(2, run("share", owner, "Sent", grantee, "l", "--off", "--data", data()).exit());

        // groups, and "send on behalf"
        assertEquals("anyone has lr on " + owner + " Sent\n", run("share", owner, "Sent", "anyone", "lr", "--data", data()).out());
        assertEquals("$" + server.domain() + " has s on " + owner + " Sent\n",
                run("share", owner, "Sent", "$" + server.domain(), "s", "--data", data()).out());
        assertEquals(Rights.parse("lrs").orElseThrow(), server.server().store().grants().rights(sent, server.account(grantee).id()));
        assertTrue(run("share", owner, "Sent", "$nowhere.test", "l", "--data", data()).err().contains("no domain nowhere.test"));
        assertEquals(grantee + " may send on behalf of " + owner + "\n",
                run("share", "--send-on-behalf", owner, grantee, "--data", data()).out());
        assertEquals("Sent\t$" + server.domain() + "\ts\nSent\tanyone\tlr\n(send on behalf)\t" + grantee + "\n",
                run("share", "--list", owner, "--data", data()).out());
        assertEquals(2, run("share", "--send-as", "--send-on-behalf", owner, grantee, "--data", data()).exit());
    }
}
