package dev.letterbox.delivery;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.letterbox.store.Mailbox;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The administrator's scripts ({@code [sieve] before} and {@code after}, as Dovecot's
 * sieve_before/sieve_after) run at delivery around each account's active script, in that order: a
 * field the "before" script adds is what the user's script sees, and every script's fileinto is
 * done. Accounts without a script of their own get the administrator's too.
 */
@Timeout(60)
class AdminSieveDeliveryTest {
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path before = Files.writeString(dir.resolve("before.sieve"), """
                require ["editheader", "fileinto", "mailbox"];
                addheader "X-Checked-By" "admin";
                fileinto :create "Before";
                """);
        Path after = Files.writeString(dir.resolve("after.sieve"), """
                require ["fileinto", "mailbox"];
                fileinto :create "After";
                """);
        server = new TestServer("[sieve]\nbefore = [\"" + before + "\"]\nafter = [\"" + after + "\"]\n");
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop();
    }

    static void send(String to) throws IOException {
        String reply = Mail.sendOverPort25(server, "carol@example.com", to, "From: carol@example.com\r\nTo: " + to
                + "\r\nSubject: hello\r\nMessage-ID: <" + System.nanoTime() + "@example.com>\r\n\r\nHello.\r\n");
        assertTrue(reply.startsWith("250 "), reply);
    }

    static long count(String user, String mailbox) {
        return server.server().store().read(server.account(user).id(),
                tx -> tx.mailbox(mailbox).map(m -> tx.status(m.id()).messages()).orElse(0L));
    }

    @Test
    void beforeTheUsersScriptThenAfterItEachFilingItsCopy() throws Exception {
        String user = server.newUser("filtered");
        long account = server.account(user).id();
        server.server().store().sieveScripts().put(account, "mine", """
                require ["fileinto", "mailbox"];
                if header :is "X-Checked-By" "admin" { fileinto :create "SawTheAdminField"; }
                """, 10);
        server.server().store().sieveScripts().setActive(account, Optional.of("mine"));
        send(user);
        assertEquals(1, count(user, "Before"));
        assertEquals(1, count(user, "SawTheAdminField"), "the user's script ran after the before script and saw its field");
        assertEquals(1, count(user, "After"));
        assertEquals(0, count(user, Mailbox.INBOX), "every script filed it: no implicit keep");
    }

    @Test
    void anAccountWithoutAScriptGetsTheAdministratorsScripts() throws Exception {
        String user = server.newUser("plain");
        send(user);
        assertEquals(1, count(user, "Before"));
        assertEquals(1, count(user, "After"));
        assertEquals(0, count(user, Mailbox.INBOX));
    }
}
