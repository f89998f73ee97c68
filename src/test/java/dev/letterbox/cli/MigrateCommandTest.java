package dev.letterbox.cli;

import static dev.letterbox.cli.Cli.runWithInput;
import static dev.letterbox.cli.ImapLines.untilTagged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code letterbox migrate --from imaps://…}: an account is copied from another IMAP server (here a
 * second server on loopback, spoken to only over IMAP) with every folder, flag, keyword, internal date
 * and byte; the source is left as it was; a second run copies only what arrived since.
 */
class MigrateCommandTest {
    @RegisterExtension
    static final TestServer source = new TestServer("old.test", "");
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static final String FETCH = "UID FETCH 1:* (FLAGS INTERNALDATE BODY.PEEK[])";

    @Test
    void anAccountIsCopiedWithItsFoldersFlagsAndDatesAndASecondRunCopiesOnlyWhatIsNew() throws Exception {
        String old = source.newUser("moving");
        try (LineClient c = login(source, old)) {
            tagged(c, "c1 CREATE \"Work/2024\"");
            tagged(c, "c2 CREATE \"Caf&AOk-\"");
            append(c, "INBOX", "(\\Seen $Label1)", "02-Jan-2024 10:00:00 +0100", message(1));
            append(c, "INBOX", "()", "03-Jan-2024 11:30:00 +0000", message(2));
            append(c, "INBOX", "(\\Answered \\Flagged)", "04-Jan-2024 09:15:00 -0500", message(3));
            append(c, "Work/2024", "(\\Draft)", "05-Feb-2024 08:00:00 +0000", message(4));
            append(c, "Caf&AOk-", "(\\Deleted)", "06-Mar-2024 08:00:00 +0000", message(5));
        }
        List<String> sourceInboxBefore = fetch(source, old, "INBOX");
        String user = server.newUser("moved");
        String from = "imaps://" + old + "@127.0.0.1:" + source.port("imaps");

        Cli.Result first = runWithInput(TestServer.PASSWORD + "\n", "migrate", "--from", from, user, "--password-stdin",
                "--any-certificate", "--data", server.dataDir().toString());
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().startsWith("copied 5 messages from imaps://" + old + "@127.0.0.1:"), first.out());
        for (String mailbox : List.of("INBOX", "Work/2024", "Caf&AOk-", "Sent")) {
            assertEquals(fetch(source, old, mailbox), fetch(server, user, mailbox), mailbox);
        }
        assertEquals(sourceInboxBefore, fetch(source, old, "INBOX"), "the source is only read (no \\Seen set)");

        try (LineClient c = login(source, old)) {
            append(c, "INBOX", "(\\Flagged)", "07-Mar-2024 12:00:00 +0000", message(6));
            append(c, "Work/2024", "()", "08-Mar-2024 12:00:00 +0000", message(7));
        }
        Cli.Result second = runWithInput(TestServer.PASSWORD + "\n", "migrate", "--from", from, user, "--password-stdin",
                "--any-certificate", "--data", server.dataDir().toString());
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().startsWith("copied 2 messages"), second.out());
        assertTrue(second.out().contains("(5 by earlier runs)"), second.out());
        // the command wrote from its own process: the running server's mailbox index, still kept from the
        // first comparison, hears of it through the store's change feed, as of another node's writes
        for (String mailbox : List.of("INBOX", "Work/2024", "Caf&AOk-")) {
            List<String> want = fetch(source, old, mailbox);
            Eventually.until(Duration.ofSeconds(20), mailbox + " as on the source: " + want, () -> {
                try {
                    return want.equals(fetch(server, user, mailbox));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void aWrongPasswordOrAnUntrustedCertificateIsAClearErrorAndNothingIsCopied() throws Exception {
        String old = source.newUser("locked");
        String user = server.newUser("empty");
        String from = "imaps://" + old + "@127.0.0.1:" + source.port("imaps");
        Cli.Result wrong = runWithInput("not-the-password\n", "migrate", "--from", from, user, "--password-stdin",
                "--any-certificate", "--data", server.dataDir().toString());
        assertEquals(69, wrong.exit());
        assertTrue(wrong.err().contains(from + ": AUTHENTICATE"), wrong.err());
        assertFalse(wrong.err().contains("not-the-password"), "the password is never printed: " + wrong.err());

        Cli.Result untrusted = runWithInput(TestServer.PASSWORD + "\n", "migrate", "--from", from, user, "--password-stdin",
                "--data", server.dataDir().toString());
        assertEquals(69, untrusted.exit(), "a self-signed certificate is refused unless --any-certificate: " + untrusted.err());
        assertEquals(List.of(), fetch(server, user, "INBOX"));

        Cli.Result withPassword = runWithInput("", "migrate", "--from", "imaps://" + old + ":secret@127.0.0.1", user,
                "--data", server.dataDir().toString());
        assertEquals(2, withPassword.exit());
        assertTrue(withPassword.err().contains("no password in the URL"), withPassword.err());
    }

    private static String message(int i) {
        return "From: someone@old.test\r\nSubject: message " + i + "\r\nDate: Tue, 02 Jan 2024 10:00:00 +0000\r\n\r\nBody " + i
                + "\r\nwith two lines\r\n";
    }

    private static void append(LineClient c, String mailbox, String flags, String date, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        c.sendRaw("a APPEND \"" + mailbox + "\" " + flags + " \"" + date + "\" {" + bytes.length + "+}\r\n" + message + "\r\n");
        List<String> r = untilTagged(c, "a");
        assertTrue(r.getLast().startsWith("a OK"), r.toString());
    }

    private static LineClient login(TestServer s, String user) throws IOException {
        LineClient c = s.connectTls("imaps");
        c.expectPrefix("* OK");
        tagged(c, "l LOGIN \"" + user + "\" \"" + TestServer.PASSWORD + "\"");
        return c;
    }

    private static void tagged(LineClient c, String command) throws IOException {
        String tag = command.substring(0, command.indexOf(' '));
        c.send(command);
        List<String> r = untilTagged(c, tag);
        assertTrue(r.getLast().startsWith(tag + " OK"), r.toString());
    }

    /** The mailbox's messages (flags without \Recent, dates, bytes), EXAMINEd; empty when it does not exist. */
    private static List<String> fetch(TestServer s, String user, String mailbox) throws IOException {
        try (LineClient c = login(s, user)) {
            c.send("b EXAMINE \"" + mailbox + "\"");
            if (!untilTagged(c, "b").getLast().startsWith("b OK")) return List.of();
            c.send("c " + FETCH);
            List<String> out = untilTagged(c, "c");
            assertTrue(out.getLast().startsWith("c OK"), out.toString());
            return out.subList(0, out.size() - 1).stream().map(l -> l.replace(" \\Recent", "").replace("\\Recent", "")).toList();
        }
    }
}
