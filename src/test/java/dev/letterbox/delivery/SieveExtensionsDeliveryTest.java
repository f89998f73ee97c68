package dev.letterbox.delivery;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.letterbox.store.Mailbox;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Sieve extensions whose data comes from delivery rather than from the script, each through a
 * real SMTP session: the envelope as the client sent it (subaddress detail included), the body read
 * back from the spool, the duplicate test's memory in the store, included scripts and mailboxes
 * from the account, the environment, and the header tests with variables, regex, date and encoded
 * characters. The interpreter's own tests run the RFCs' examples; these prove the pipeline feeds it.
 */
class SieveExtensionsDeliveryTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static String userWithScript(String script) {
        String user = server.newUser("ext");
        long account = server.account(user).id();
        server.server().store().sieveScripts().put(account, "main", script, 10);
        server.server().store().sieveScripts().setActive(account, Optional.of("main"));
        return user;
    }

    /** Sends {@code header} + CRLF + {@code body} from carol@example.com to {@code rcpt} over port 25. */
    static void send(String rcpt, String header, String body) throws IOException {
        String reply = Mail.sendOverPort25(server, "carol@example.com", rcpt, "From: carol@example.com\r\nTo: " + rcpt + "\r\n"
                + header + "\r\n" + body + "\r\n");
        assertTrue(reply.startsWith("250 "), reply);
    }

    static long count(String user, String mailbox) {
        return server.server().store().read(server.account(user).id(),
                tx -> tx.mailbox(mailbox).map(m -> tx.status(m.id()).messages()).orElse(0L));
    }

    @Test
    void envelopeAndSubaddressSeeTheRecipientAsTheClientWroteIt() throws Exception {
        String user = userWithScript("""
                require ["envelope", "subaddress", "fileinto", "mailbox"];
                if envelope :detail "to" "lists" { fileinto :create "Lists"; }
                if envelope :user "to" "nobody" { fileinto :create "Never"; }
                if envelope :is "from" "carol@example.com" { fileinto :create "FromCarol"; }
                """);
        String tagged = user.replace("@", "+lists@");
        send(tagged, "Subject: tagged\r\n", "hello");
        assertEquals(1, count(user, "Lists"), "RFC 5233: the detail of the RCPT TO address");
        assertEquals(1, count(user, "FromCarol"));
        assertEquals(0, count(user, "Never") + count(user, Mailbox.INBOX));
    }

    @Test
    void bodyIsReadBackFromTheSpool() throws Exception {
        String user = userWithScript("""
                require ["body", "fileinto", "mailbox"];
                if body :text :contains "needle" { fileinto :create "Found"; }
                """);
        send(user, "Subject: hay\r\n", "hay hay hay\r\nhay needle hay\r\n");
        send(user, "Subject: only hay\r\n", "hay hay hay\r\n");
        assertEquals(1, count(user, "Found"));
        assertEquals(1, count(user, Mailbox.INBOX));
    }

    @Test
    void duplicateRemembersWhatWasDelivered() throws Exception {
        String user = userWithScript("""
                require ["duplicate", "fileinto", "mailbox"];
                if duplicate { fileinto :create "Seen"; }
                """);
        String header = "Subject: twice\r\nMessage-ID: <twice-" + System.nanoTime() + "@example.com>\r\n";
        send(user, header, "once");
        send(user, header, "and again");
        assertEquals(1, count(user, Mailbox.INBOX), "RFC 7352: the first is no duplicate");
        assertEquals(1, count(user, "Seen"));
    }

    @Test
    void includeAndMailboxexistsReadTheAccount() throws Exception {
        String user = userWithScript("""
                require ["include", "mailbox", "fileinto"];
                include :personal "helper";
                if mailboxexists "Included" { fileinto :create "Exists"; }
                """);
        long account = server.account(user).id();
        server.server().store().sieveScripts().put(account, "helper", """
                require ["fileinto", "mailbox"];
                fileinto :create "Included";
                """, 10);
        send(user, "Subject: included\r\n", "hello");
        assertEquals(1, count(user, "Included"), "RFC 6609: the account's other script ran");
        assertEquals(0, count(user, "Exists"), "RFC 5490: the mailbox did not exist yet while the script ran");
        send(user, "Subject: again\r\n", "hello");
        assertEquals(2, count(user, "Included"));
        assertEquals(1, count(user, "Exists"), "now it does");
    }

    @Test
    void environmentVariablesRegexDateAndEncodedCharacters() throws Exception {
        String user = userWithScript("""
                require ["environment", "variables", "regex", "date", "relational", "comparator-i;ascii-numeric",
                         "encoded-character", "fileinto", "mailbox"];
                if environment :is "location" "MDA" { fileinto :create "AtDelivery"; }
                if header :regex "subject" "^report ([0-9]+)$" { fileinto :create "Report-${1}"; }
                if date :value "eq" :comparator "i;ascii-numeric" "date" "year" "2024" { fileinto :create "From2024"; }
                if header :is "x-code" "${hex:41 42}" { fileinto :create "Encoded"; }
                """);
        send(user, "Subject: report 42\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nX-Code: AB\r\n", "numbers");
        assertEquals(1, count(user, "AtDelivery"));
        assertEquals(1, count(user, "Report-42"));
        assertEquals(1, count(user, "From2024"));
        assertEquals(1, count(user, "Encoded"));
        assertEquals(0, count(user, Mailbox.INBOX));
    }
}
