package dev.letterbox.smtp.server;

import static dev.letterbox.smtp.server.SmtpTesting.expect;
import static dev.letterbox.smtp.server.SmtpTesting.transaction;
import static dev.letterbox.smtp.server.SmtpTesting.inboxText;
import static dev.letterbox.smtp.server.SmtpTesting.mta;
import static dev.letterbox.smtp.server.SmtpTesting.reply;
import static dev.letterbox.smtp.server.SmtpTesting.withoutTrace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Port 25 transcripts over real sockets; expected replies follow RFC 5321, 2034, 2920, 3207, 3463, 4954. */
class SmtpProtocolTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static final String MESSAGE = "From: a@example.org\r\nTo: b@example.test\r\nSubject: hi\r\n\r\nHello\r\n";

    @Test
    void greetingAndEhloBeforeTls() throws Exception {
        try (LineClient c = server.connect("smtp")) {
            assertEquals("220 mail.example.test ESMTP Letterbox", c.readLine());
            c.send("EHLO client.example.org");
            List<String> ehlo = reply(c);
            assertTrue(ehlo.get(0).startsWith("250-mail.example.test"), ehlo.toString());
            List<String> keywords = ehlo.stream().skip(1).map(l -> l.substring(4)).toList();
            for (String k : List.of("PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING",
                    "BINARYMIME", "DSN", "STARTTLS")) {
                assertTrue(keywords.contains(k), k + " in " + keywords);
            }
            assertTrue(keywords.contains("SIZE " + (50L << 20)), keywords.toString());
            assertFalse(keywords.stream().anyMatch(k -> k.startsWith("AUTH")), "no AUTH before TLS");
            c.send("HELO client.example.org");
            assertEquals(List.of("250 mail.example.test greets client.example.org"), reply(c));
        }
    }

    @Test
    void noopRsetVrfyExpnHelpUnknownAndQuit() throws Exception {
        try (LineClient c = mta(server)) {
            c.send("NOOP");
            expect(c, "250 2.0.0");
            c.send("RSET");
            expect(c, "250 2.0.0");
            c.send("VRFY somebody@example.test");
            expect(c, "252 2.5.0"); // RFC 5321 §3.5.3: says nothing about the user
            c.send("VRFY nobody-at-all");
            expect(c, "252 2.5.0");
            c.send("EXPN list");
            expect(c, "502 5.5.1");
            c.send("HELP");
            List<String> help = reply(c);
            assertTrue(help.size() >= 2 && help.stream().allMatch(l -> l.startsWith("214")), help.toString());
            c.send("FROB");
            expect(c, "500 5.5.2");
            c.send("QUIT");
            expect(c, "221 2.0.0");
            assertTrue(c.isClosedByServer());
        }
    }

    @Test
    void commandsOutOfSequence() throws Exception {
        try (LineClient c = server.connect("smtp")) {
            expect(c, "220 ");
            c.send("MAIL FROM:<a@example.org>");
            expect(c, "503 5.5.1"); // EHLO first
            c.send("EHLO client.example.org");
            expect(c, "250 ");
            c.send("RCPT TO:<x@example.test>");
            expect(c, "503 5.5.1");
            c.send("DATA");
            expect(c, "503 5.5.1");
            c.send("MAIL FROM:<a@example.org>");
            expect(c, "250 2.1.0");
            c.send("MAIL FROM:<a@example.org>");
            expect(c, "503 5.5.1"); // nested
            c.send("DATA");
            expect(c, "503 5.5.1"); // no RCPT yet
            c.send("RSET");
            expect(c, "250 2.0.0");
            c.send("RCPT TO:<x@example.test>");
            expect(c, "503 5.5.1"); // RSET ended the transaction
        }
    }

    @Test
    void localDeliveryWithReturnPathAndReceived() throws Exception {
        String user = server.newUser("mta");
        try (LineClient c = mta(server)) {
            transaction(c, "sender@example.org", user, MESSAGE);
            expect(c, "250 2.0.0");
        }
        List<String> inbox = inboxText(server, user);
        assertEquals(1, inbox.size());
        String stored = inbox.get(0);
        assertTrue(stored.startsWith("Return-Path: <sender@example.org>\r\nReceived: from client.example.org ([127.0.0.1])\r\n"
                + "\tby mail.example.test (Letterbox) with ESMTP\r\n\tid "), stored);
        assertTrue(stored.matches("(?s).*\tid [a-z0-9]{8}\\.1\r\n\tfor <" + user + ">;\r\n\t\\w{3}, \\d{1,2} \\w{3} \\d{4} .*"), stored);
        assertEquals(MESSAGE, withoutTrace(stored), "the client's bytes, untouched: no Date/Message-ID added on port 25");
    }

    @Test
    void unknownLocalUserIs550AndDataWithoutValidRecipientIs554() throws Exception {
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<sender@example.org>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<nobody-here@example.test>");
            expect(c, "550 5.1.1");
            c.send("DATA");
            expect(c, "554 5.5.1"); // RFC 2920 §3.1: no valid recipients
        }
    }

    /** Never an open relay: each trick is judged by the mailbox's own domain. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "<someone@example.org>|554 5.7.1",
            "<SOMEONE@Example.ORG>|554 5.7.1",
            "<@example.test:someone@example.org>|554 5.7.1",
            "<@example.test,@mail.example.test:someone@example.org>|554 5.7.1",
            "<someone@[127.0.0.1]>|554 5.7.1",
            "<\"someone\"@example.org>|554 5.7.1",
            "<someone%example.org@example.test>|550 5.1.1",
            "<someone%example.org@[127.0.0.1]>|554 5.7.1",
            "<example.org!someone@example.test>|550 5.1.1",
            "<\"someone@example.org\"@example.test>|550 5.1.1",
            "<\"someone@example.org\">|501 5.1.3",
            "<someone@example.org@example.test>|501 5.1.3",
            "<someone@example.org>@example.test|501 5.5.4",
            "someone@example.org|501 5.1.3",
    })
    void relayIsRefusedForUnauthenticatedSenders(String path, String expected) throws Exception {
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<spammer@example.org>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:" + path);
            expect(c, expected);
            c.send("DATA");
            expect(c, "554 5.5.1");
        }
        assertTrue(server.server().store().queue().list(0, 100).isEmpty(), "nothing was queued");
    }

    /** RFC 2920: a whole transaction in one write; the replies come back in order. */
    @Test
    void pipelinedTransaction() throws Exception {
        String user = server.newUser("pipe");
        try (LineClient c = server.connect("smtp")) {
            expect(c, "220 ");
            c.sendRaw("EHLO client.example.org\r\nMAIL FROM:<s@example.org>\r\nRCPT TO:<" + user + ">\r\n"
                    + "RCPT TO:<ghost@example.test>\r\nRCPT TO:<x@example.org>\r\nDATA\r\n");
            expect(c, "250 ");
            expect(c, "250 2.1.0");
            expect(c, "250 2.1.5");
            expect(c, "550 5.1.1");
            expect(c, "554 5.7.1");
            expect(c, "354");
            c.sendRaw(MESSAGE + ".\r\nMAIL FROM:<s@example.org>\r\nRCPT TO:<" + user + ">\r\nDATA\r\n");
            expect(c, "250 2.0.0");
            expect(c, "250 2.1.0");
            expect(c, "250 2.1.5");
            expect(c, "354");
            c.sendRaw(".leading dot\r\n.\r\nQUIT\r\n");
            expect(c, "250 2.0.0");
            expect(c, "221 2.0.0");
        }
        List<String> inbox = inboxText(server, user);
        assertEquals(2, inbox.size());
        assertEquals("leading dot\r\n", withoutTrace(inbox.get(1)), "dot-unstuffed");
    }

    @Test
    void startTlsResetsTheSessionAndOffersAuth() throws Exception {
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<s@example.org>");
            expect(c, "250 2.1.0");
            c.send("STARTTLS");
            expect(c, "503 5.5.1"); // not inside a transaction
            c.send("RSET");
            expect(c, "250 2.0.0");
            c.send("AUTH PLAIN " + SmtpTesting.plain("x@example.test", "y"));
            expect(c, "538 5.7.11"); // RFC 4954: no credentials before TLS
            c.send("STARTTLS");
            expect(c, "220 2.0.0");
            c.startTls();
            c.send("MAIL FROM:<s@example.org>");
            expect(c, "503 5.5.1"); // RFC 3207 §4.2: the EHLO before TLS is forgotten
            c.send("EHLO client.example.org");
            List<String> ehlo = reply(c);
            assertTrue(ehlo.contains("250-AUTH PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS") || ehlo.contains("250 AUTH PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS"), ehlo.toString());
            assertFalse(ehlo.stream().anyMatch(l -> l.contains("STARTTLS")), ehlo.toString());
            c.send("STARTTLS");
            expect(c, "503 5.5.1");
        }
    }

    /** RFC 3207 §4.2: commands pipelined behind STARTTLS in plaintext are thrown away. */
    @Test
    void commandsPipelinedAfterStartTlsAreDiscarded() throws Exception {
        try (LineClient c = mta(server)) {
            c.sendRaw("STARTTLS\r\nEHLO injected.example\r\nMAIL FROM:<evil@example.org>\r\n");
            expect(c, "220 2.0.0");
            c.startTls();
            c.send("RCPT TO:<x@example.test>");
            expect(c, "503 5.5.1"); // the injected MAIL never happened
            c.send("EHLO client.example.org");
            expect(c, "250 ");
            c.send("RCPT TO:<x@example.test>");
            expect(c, "503 5.5.1");
        }
    }

    @Test
    void smugglingAttemptNeitherEndsNorSplitsTheMessage() throws Exception {
        String user = server.newUser("smuggle");
        String victim = server.newUser("victim");
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<s@example.org>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + user + ">");
            expect(c, "250 2.1.5");
            c.send("DATA");
            expect(c, "354");
            c.sendRaw("Subject: one\r\n\r\nfirst\n.\nMAIL FROM:<ceo@example.test>\r\nRCPT TO:<" + victim + ">\r\n"
                    + "DATA\r\nSubject: forged\r\n\r\nsmuggled\r\n.\r\n");
            expect(c, "550 5.6.0");
            c.send("NOOP");
            expect(c, "250 2.0.0"); // one reply for the whole thing; the session goes on in step
        }
        assertEquals(List.of(), inboxText(server, user));
        assertEquals(List.of(), inboxText(server, victim));
    }

    @Test
    void bareLfLinesAreAcceptedAndStoredWithCrlf() throws Exception {
        String user = server.newUser("barelf");
        try (LineClient c = mta(server)) {
            transaction(c, "s@example.org", user, "Subject: unix\n\nfirst\n.dot kept\n\r\n");
            expect(c, "250 2.0.0");
            c.send("NOOP");
            expect(c, "250 2.0.0");
        }
        assertEquals(List.of("Subject: unix\r\n\r\nfirst\r\n.dot kept\r\n\r\n"),
                inboxText(server, user).stream().map(SmtpTesting::withoutTrace).toList());
    }

    @Test
    void bareCrIsStillRefused() throws Exception {
        String user = server.newUser("barecr");
        try (LineClient c = mta(server)) {
            transaction(c, "s@example.org", user, "Subject: old mac\r\n\r\nfirst\rsecond\r\n");
            expect(c, "550 5.6.0");
            c.send("NOOP");
            expect(c, "250 2.0.0");
        }
        assertEquals(List.of(), inboxText(server, user));
    }

    /** The tool the issue names: curl uploads a file with LF line ends as it is, and adds CRLF "." CRLF. */
    @Test
    void curlUploadOfAUnixFileIsDelivered(@TempDir Path dir) throws Exception {
        String user = server.newUser("curl");
        Path file = dir.resolve("message.eml");
        Files.writeString(file, "From: a@example.org\nTo: " + user + "\nSubject: from curl\n\nline one\n.leading dot\n");
        Process curl;
        try {
            curl = new ProcessBuilder("curl", "--silent", "--show-error", "--noproxy", "*", "--max-time", "120",
                    "smtp://127.0.0.1:" + server.port("smtp") + "/client.example.org",
                    "--mail-from", "a@example.org", "--mail-rcpt", user, "-T", file.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("curl is not installed: " + e.getMessage());
            return;
        }
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, curl.waitFor(), "curl failed: " + output);
        assertEquals(List.of("From: a@example.org\r\nTo: " + user + "\r\nSubject: from curl\r\n\r\nline one\r\n"
                        + ".leading dot\r\n\r\n"),
                inboxText(server, user).stream().map(SmtpTesting::withoutTrace).toList());
    }

    @Test
    void overlongCommandLine() throws Exception {
        try (LineClient c = mta(server)) {
            c.send("NOOP " + "x".repeat(5000));
            expect(c, "500 5.5.2");
            c.send("NOOP");
            expect(c, "250 2.0.0");
        }
    }

    @Test
    void heloSessionsGetPlainSmtpInReceived() throws Exception {
        String user = server.newUser("helo");
        try (LineClient c = server.connect("smtp")) {
            expect(c, "220 ");
            c.send("HELO old.example.org");
            expect(c, "250 mail.example.test");
            c.send("MAIL FROM:<>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + user + ">");
            expect(c, "250 2.1.5");
            c.send("DATA");
            expect(c, "354");
            c.sendRaw("Subject: bounce\r\n\r\nx\r\n.\r\n");
            expect(c, "250 2.0.0");
        }
        String stored = inboxText(server, user).get(0);
        assertTrue(stored.startsWith("Return-Path: <>\r\nReceived: from old.example.org ([127.0.0.1])\r\n\tby mail.example.test (Letterbox) with SMTP\r\n"), stored);
    }
}
