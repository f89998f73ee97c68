package dev.letterbox.milter;

import static dev.letterbox.milter.MilterProtocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.smtp.SmtpReply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The client's side of the protocol, against a scripted filter on loopback. */
class MilterClientTest {
    /** What rspamd asks for: no reply to anything before end of message. */
    static final int NOREPLY_ALL = NOREPLY_CONNECT | NOREPLY_HELO | NOREPLY_MAIL | NOREPLY_RCPT | NOREPLY_DATA
            | NOREPLY_UNKNOWN | NOREPLY_HEADER | NOREPLY_EOH | NOREPLY_BODY;
    static final int HEADERS_AND_QUARANTINE = ACTION_ADDHDRS | ACTION_CHGHDRS | ACTION_QUARANTINE;

    static final byte[] MESSAGE = ("Received: from a by b; Mon, 1 Jan 2024 10:00:00 +0000\r\n"
            + "From: Alice <alice@sender.example>\r\n"
            + "Subject: a long\r\n subject, folded\r\n"
            + "Received: from c by d; Mon, 1 Jan 2024 09:00:00 +0000\r\n"
            + "\r\n"
            + "Hello Bob.\r\n").getBytes(StandardCharsets.US_ASCII);

    static MilterEnvelope envelope() throws IOException {
        return MilterEnvelope.builder("alice@sender.example", List.of("bob@letterbox.test", "carol@letterbox.test"))
                .client(InetAddress.getByName("192.0.2.10"), 40123, null)
                .server(InetAddress.getByName("127.0.0.1"), "mx.letterbox.test", "smtp")
                .helo("mail.sender.example")
                .mailParameters(List.of("SIZE=500"))
                .auth("alice", "PLAIN")
                .tls("TLSv1.3", "TLS_AES_128_GCM_SHA256")
                .queueId("Q42")
                .build();
    }

    static MilterVerdict check(FakeMilter milter, Duration timeout, Duration messageTimeout) throws IOException {
        var client = new MilterClient(MilterAddress.parse(milter.address()), timeout, messageTimeout);
        return client.check(envelope(), new ByteArrayInputStream(MESSAGE));
    }

    static MilterVerdict check(FakeMilter milter) throws IOException {
        return check(milter, Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** A filter that takes everything without replying, then answers end of message as {@code end} says. */
    static FakeMilter filter(FakeMilter.Script end) throws IOException {
        return new FakeMilter(c -> {
            c.negotiate(HEADERS_AND_QUARANTINE, NOREPLY_ALL);
            c.untilEndOfMessage(NOREPLY_ALL);
            end.run(c);
            c.drain();
        });
    }

    @Test
    void sendsEveryStepInOrderWithMacrosAndData() throws Exception {
        try (FakeMilter milter = filter(c -> c.send('a'))) {
            assertInstanceOf(MilterVerdict.Accept.class, check(milter));
            // negotiate, then macro+step for connect, HELO, MAIL, each RCPT, DATA; headers; EOH; body; EOM; quit
            assertEquals("ODCDHDMDRDRDTLLLLNBDEQ", milter.codes());

            Packet.Fields optneg = new Packet(CMD_OPTNEG, milter.packets('O').get(0).data()).fields();
            assertEquals(6, optneg.int32());
            assertEquals(OFFERED_ACTIONS, optneg.int32());
            assertEquals(OFFERED_STEPS, optneg.int32());

            byte[] connect = milter.packets('C').get(0).data();
            byte[] expected = new Packet.Builder().string("unknown").bytes((byte) '4').int16(40123).string("192.0.2.10").build();
            assertArrayEquals(expected, connect);

            List<FakeMilter.Received> macros = milter.packets('D');
            assertEquals(List.of("j", "mx.letterbox.test", "{daemon_name}", "smtp", "{if_addr}", "127.0.0.1",
                    "{client_addr}", "192.0.2.10", "{client_port}", "40123", "{client_name}", "unknown"),
                    afterStage(macros.get(0), 'C'));
            assertEquals(List.of("{tls_version}", "TLSv1.3", "{cipher}", "TLS_AES_128_GCM_SHA256"), afterStage(macros.get(1), 'H'));
            assertEquals(List.of("i", "Q42", "{auth_type}", "PLAIN", "{auth_authen}", "alice", "{mail_addr}", "alice@sender.example"),
                    afterStage(macros.get(2), 'M'));
            assertEquals(List.of("i", "Q42", "{rcpt_addr}", "carol@letterbox.test"), afterStage(macros.get(4), 'R'));
            assertEquals(List.of("i", "Q42"), afterStage(macros.get(6), 'E'));

            assertEquals(List.of("mail.sender.example"), milter.packets('H').get(0).strings());
            assertEquals(List.of("<alice@sender.example>", "SIZE=500"), milter.packets('M').get(0).strings());
            assertEquals(List.of("<carol@letterbox.test>"), milter.packets('R').get(1).strings());
            // One space after the colon is dropped; folded lines are joined by LF (Sendmail and Postfix do so).
            assertEquals(List.of("Subject", "a long\n subject, folded"), milter.packets('L').get(2).strings());
            assertEquals("Hello Bob.\r\n", milter.packets('B').get(0).text());
            assertEquals(List.of(), milter.scriptErrors());
        }
    }

    private static List<String> afterStage(FakeMilter.Received macro, char stage) {
        assertEquals(stage, (char) macro.data()[0]);
        return new FakeMilter.Received('D', java.util.Arrays.copyOfRange(macro.data(), 1, macro.data().length)).strings();
    }

    @Test
    void headerChangesComeBackInOrderAndApplyToTheHeaderSection() throws Exception {
        try (FakeMilter milter = filter(c -> {
            c.send('h', "X-Filter", "checked");
            c.send('i', new Packet.Builder().int32(0).string("X-Top").string("first\n\tand folded").build());
            c.send('m', new Packet.Builder().int32(2).string("received").string("").build()); // delete the 2nd Received
            c.send('m', new Packet.Builder().int32(1).string("Subject").string("[SPAM] a long subject").build());
            c.send('c');
        })) {
            MilterVerdict verdict = check(milter);
            List<HeaderChange> expected = List.of(
                    new HeaderChange.Add("X-Filter", "checked"),
                    new HeaderChange.Insert(0, "X-Top", "first\n\tand folded"),
                    new HeaderChange.Change(2, "received", ""),
                    new HeaderChange.Change(1, "Subject", "[SPAM] a long subject"));
            assertEquals(expected, verdict.headerChanges());
            String edited = new String(HeaderEditor.rewrite(MESSAGE, verdict.headerChanges()), StandardCharsets.US_ASCII);
            assertEquals("X-Top: first\r\n\tand folded\r\n"
                    + "Received: from a by b; Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                    + "From: Alice <alice@sender.example>\r\n"
                    + "Subject: [SPAM] a long subject\r\n"
                    + "X-Filter: checked\r\n"
                    + "\r\n"
                    + "Hello Bob.\r\n", edited);
        }
    }

    @Test
    void replyCodesBecomeRejectAndTempFail() throws Exception {
        try (FakeMilter milter = filter(c -> c.send('y', "554 5.7.1 Spam message rejected"))) {
            var reject = assertInstanceOf(MilterVerdict.Reject.class, check(milter));
            assertEquals(SmtpReply.of(554, "5.7.1", "Spam message rejected"), reject.reply());
        }
        try (FakeMilter milter = filter(c -> c.send('y', "451-4.7.1 Greylisted\r\n451 4.7.1 come back later"))) {
            var temp = assertInstanceOf(MilterVerdict.TempFail.class, check(milter));
            assertEquals(new SmtpReply(451, Optional.of("4.7.1"), List.of("Greylisted", "come back later")), temp.reply());
        }
        try (FakeMilter milter = filter(c -> c.send('r'))) {
            assertEquals(550, assertInstanceOf(MilterVerdict.Reject.class, check(milter)).reply().code());
        }
        try (FakeMilter milter = filter(c -> c.send('t'))) {
            assertEquals(451, assertInstanceOf(MilterVerdict.TempFail.class, check(milter)).reply().code());
        }
        try (FakeMilter milter = filter(c -> c.send('d'))) {
            assertInstanceOf(MilterVerdict.Discard.class, check(milter));
        }
        // A reply code outside 4xx/5xx is a broken filter, not an acceptance.
        try (FakeMilter milter = filter(c -> c.send('y', "250 2.0.0 fine"))) {
            assertInstanceOf(MilterVerdict.Failed.class, check(milter));
        }
    }

    @Test
    void quarantineIsSpamAndKeepsTheHeaderChanges() throws Exception {
        try (FakeMilter milter = filter(c -> {
            c.send('h', "X-Virus", "Eicar-Test-Signature");
            c.send('q', "infected");
            c.send('a');
        })) {
            MilterVerdict verdict = check(milter);
            var quarantine = assertInstanceOf(MilterVerdict.Quarantine.class, verdict);
            assertEquals("infected", quarantine.reason());
            assertEquals(List.of(new HeaderChange.Add("X-Virus", "Eicar-Test-Signature")), verdict.headerChanges());
            assertTrue(verdict.markedAsSpam(null));
        }
    }

    @Test
    void progressKeepsTheClientWaitingPastItsStepTimeoutButNotPastTheDeadline() throws Exception {
        // Step timeout 1 s; the filter needs ~2.4 s but reports progress every 200 ms (a wide margin:
        // a loaded CI machine may run the filter's sleeps late).
        try (FakeMilter milter = filter(c -> {
            for (int i = 0; i < 12; i++) {
                Thread.sleep(200);
                c.send('p');
            }
            c.send('a');
        })) {
            assertInstanceOf(MilterVerdict.Accept.class, check(milter, Duration.ofSeconds(1), Duration.ofSeconds(20)));
        }
        // Progress forever: the message deadline (1.5 s) ends the wait.
        try (FakeMilter milter = filter(c -> {
            for (int i = 0; i < 100; i++) {
                Thread.sleep(200);
                c.send('p');
            }
        })) {
            long start = System.nanoTime();
            var failed = assertInstanceOf(MilterVerdict.Failed.class, check(milter, Duration.ofMillis(400), Duration.ofMillis(1500)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(failed.reason().contains("deadline"), failed.reason());
            assertTrue(millis >= 1400 && millis < 4000, "took " + millis + " ms");
        }
    }

    @Test
    void aSilentFilterTimesOut() throws Exception {
        try (FakeMilter milter = filter(c -> Thread.sleep(30_000))) {
            long start = System.nanoTime();
            var failed = assertInstanceOf(MilterVerdict.Failed.class, check(milter, Duration.ofMillis(300), Duration.ofSeconds(10)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(failed.reason().startsWith("timeout"), failed.reason());
            assertTrue(millis < 3000, "took " + millis + " ms");
        }
        // Silent already at option negotiation.
        try (FakeMilter milter = new FakeMilter(c -> Thread.sleep(30_000))) {
            assertInstanceOf(MilterVerdict.Failed.class, check(milter, Duration.ofMillis(300), Duration.ofSeconds(10)));
        }
    }

    @Test
    void aFilterThatStopsReadingCannotBlockTheBody() throws Exception {
        // The filter negotiates, then never reads again: our writes of a 64 MB body (more than any
        // socket buffers hold) block; the timeout must still end the check.
        try (FakeMilter milter = new FakeMilter(c -> {
            c.negotiate(HEADERS_AND_QUARANTINE, NOREPLY_ALL);
            Thread.sleep(30_000);
        })) {
            InputStream big = new InputStream() {
                long left = 64L * 1024 * 1024;

                @Override
                public int read() {
                    return left-- > 0 ? 'x' : -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (left <= 0) return -1;
                    int n = (int) Math.min(len, left);
                    java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                    left -= n;
                    return n;
                }
            };
            InputStream message = new SequenceInputStream(new ByteArrayInputStream(MESSAGE), big);
            var client = new MilterClient(MilterAddress.parse(milter.address()), Duration.ofMillis(500), Duration.ofSeconds(10));
            long start = System.nanoTime();
            var failed = assertInstanceOf(MilterVerdict.Failed.class, client.check(envelope(), message));
            assertTrue(failed.reason().contains("sending"), failed.reason());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 5000);
        }
    }

    @Test
    void oversizedPacketIsRefusedWithoutAllocatingIt() throws Exception {
        try (FakeMilter milter = filter(c -> c.sendRaw(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'h'}))) {
            var failed = assertInstanceOf(MilterVerdict.Failed.class, check(milter));
            assertTrue(failed.reason().contains("2147483647 bytes"), failed.reason());
        }
        try (FakeMilter milter = filter(c -> c.sendRaw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}))) {
            assertInstanceOf(MilterVerdict.Failed.class, check(milter));
        }
        try (FakeMilter milter = filter(c -> c.sendRaw(new byte[] {0, 0, 0, 0}))) {
            assertTrue(assertInstanceOf(MilterVerdict.Failed.class, check(milter)).reason().contains("empty packet"));
        }
    }

    @Test
    void garbageAndBrokenConversationsFail() throws Exception {
        // An unknown reply code at end of message.
        try (FakeMilter milter = filter(c -> c.send('Z'))) {
            assertInstanceOf(MilterVerdict.Failed.class, check(milter));
        }
        // Bytes that are no packet at all, then the connection closes.
        try (FakeMilter milter = new FakeMilter(c -> {
            c.read();
            c.sendRaw("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            assertInstanceOf(MilterVerdict.Failed.class, check(milter));
        }
        // A header change without its NUL terminator.
        try (FakeMilter milter = filter(c -> c.send('h', "X-Broken".getBytes(StandardCharsets.US_ASCII)))) {
            assertTrue(assertInstanceOf(MilterVerdict.Failed.class, check(milter)).reason().contains("NUL"));
        }
        // The filter hangs up in the middle.
        try (FakeMilter milter = new FakeMilter(c -> {
            c.negotiate(HEADERS_AND_QUARANTINE, NOREPLY_ALL);
            c.read();
        })) {
            assertInstanceOf(MilterVerdict.Failed.class, check(milter));
        }
        // A protocol version we do not speak.
        try (FakeMilter milter = new FakeMilter(c -> {
            c.negotiate(1, HEADERS_AND_QUARANTINE, 0);
            c.drain();
        })) {
            assertTrue(assertInstanceOf(MilterVerdict.Failed.class, check(milter)).reason().contains("version 1"));
        }
        // A modification before end of message.
        try (FakeMilter milter = new FakeMilter(c -> {
            c.negotiate(HEADERS_AND_QUARANTINE, 0);
            c.read();
            c.read();
            c.send('h', "X-Early", "no");
            c.drain();
        })) {
            assertInstanceOf(MilterVerdict.Failed.class, check(milter));
        }
    }

    @Test
    void connectionRefusedFails() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        var client = new MilterClient("inet:127.0.0.1:" + port, Duration.ofSeconds(2));
        var failed = assertInstanceOf(MilterVerdict.Failed.class, client.check(envelope(), new ByteArrayInputStream(MESSAGE)));
        assertTrue(failed.reason().startsWith("cannot connect"), failed.reason());
    }

    @Test
    void unsupportedModificationsAreIgnoredAndReported() throws Exception {
        try (FakeMilter milter = filter(c -> {
            c.send('+', "<mallory@evil.example>");
            c.send('-', "<bob@letterbox.test>");
            c.send('e', "<other@sender.example>");
            c.send('b', "replaced body\r\n".getBytes(StandardCharsets.US_ASCII));
            c.send('h', "X-Ok", "kept");
            c.send('a');
        })) {
            var accept = assertInstanceOf(MilterVerdict.Accept.class, check(milter));
            assertEquals(List.of(new HeaderChange.Add("X-Ok", "kept")), accept.changes().headers());
            assertEquals(List.of("add recipient", "delete recipient", "change sender", "replace body"), accept.changes().ignored());
        }
    }

    @Test
    void malformedHeaderChangesAreIgnoredNotApplied() throws Exception {
        try (FakeMilter milter = filter(c -> {
            c.send('h', "X-Bad:Name", "v");
            c.send('h', "X-Inject", "v\nX-Evil: yes");
            c.send('h', "X-End", "v\n\nbody");
            c.send('h', "X-Crlf-Folded", "a\r\n b");
            c.send('a');
        })) {
            var accept = assertInstanceOf(MilterVerdict.Accept.class, check(milter));
            assertEquals(List.of(new HeaderChange.Add("X-Crlf-Folded", "a\n b")), accept.changes().headers());
            assertEquals(3, accept.changes().ignored().size(), accept.changes().ignored().toString());
        }
    }

    @Test
    void tooManyHeaderChangesFail() throws Exception {
        try (FakeMilter milter = filter(c -> {
            for (int i = 0; i <= MilterSession.MAX_HEADER_CHANGES; i++) c.send('h', "X-N", Integer.toString(i));
            c.send('a');
        })) {
            assertInstanceOf(MilterVerdict.Failed.class, check(milter));
        }
    }

    @Test
    void skippedStepsAreNotSentAndSkipEndsTheBody() throws Exception {
        // A filter that wants neither HELO nor headers, answers every step it gets, and has seen
        // enough after the first body chunk.
        int steps = NO_HELO | NO_HEADERS | NO_EOH | SKIP;
        try (FakeMilter milter = new FakeMilter(c -> {
            c.negotiate(HEADERS_AND_QUARANTINE, steps);
            c.continueUntil('B', steps);
            c.send('s');
            c.untilEndOfMessage(steps);
            c.send('a');
            c.drain();
        })) {
            byte[] body = new byte[3 * MAX_BODY_CHUNK];
            java.util.Arrays.fill(body, (byte) 'b');
            InputStream message = new SequenceInputStream(new ByteArrayInputStream(MESSAGE), new ByteArrayInputStream(body));
            var client = new MilterClient(MilterAddress.parse(milter.address()), Duration.ofSeconds(5), Duration.ofSeconds(10));
            assertInstanceOf(MilterVerdict.Accept.class, client.check(envelope(), message));
            assertEquals("ODCDMDRDRDTBDEQ", milter.codes());
            assertEquals(MAX_BODY_CHUNK, milter.packets('B').get(0).data().length);
            assertEquals(List.of(), milter.scriptErrors());
        }
    }

    @Test
    void refusalAtRcptConcernsThatRecipientOnly() throws Exception {
        try (FakeMilter milter = new FakeMilter(c -> {
            c.negotiate(HEADERS_AND_QUARANTINE, 0);
            c.continueUntil('R', 0);
            c.send('c'); // bob
            c.read(); // carol's macros
            c.read(); // carol
            c.send('y', "550 5.1.1 no such user here");
            c.untilEndOfMessage(0);
            c.send('a');
            c.drain();
        })) {
            var accept = assertInstanceOf(MilterVerdict.Accept.class, check(milter));
            assertEquals(List.of(new MilterVerdict.RefusedRecipient("carol@letterbox.test", SmtpReply.of(550, "5.1.1", "no such user here"))),
                    accept.changes().refusedRecipients());
        }
        // Every recipient refused: the message is refused, and no content is sent.
        try (FakeMilter milter = new FakeMilter(c -> {
            c.negotiate(HEADERS_AND_QUARANTINE, 0);
            while (true) {
                FakeMilter.Received r = c.read();
                if (r.code() == 'R') c.send('t');
                else if (r.code() != 'D') c.send('c');
            }
        })) {
            var temp = assertInstanceOf(MilterVerdict.TempFail.class, check(milter));
            assertEquals(451, temp.reply().code());
            assertFalse(milter.codes().contains("T"), milter.codes());
        }
    }

    @Test
    void acceptBeforeEndOfMessageEndsTheConversation() throws Exception {
        try (FakeMilter milter = new FakeMilter(c -> {
            c.negotiate(HEADERS_AND_QUARANTINE, 0);
            c.continueUntil('C', 0);
            c.send('a');
            c.drain();
        })) {
            assertEquals(new MilterVerdict.Accept(MilterVerdict.Changes.NONE), check(milter));
            assertEquals("ODCQ", milter.codes());
        }
    }

    @Test
    void headerValuesKeepTheirLeadingSpaceWhenTheFilterAsks() throws Exception {
        int steps = NOREPLY_ALL | HEADER_LEADING_SPACE;
        try (FakeMilter milter = new FakeMilter(c -> {
            c.negotiate(HEADERS_AND_QUARANTINE, steps);
            c.untilEndOfMessage(steps);
            c.send('h', "X-Spaced", " value");
            c.send('a');
            c.drain();
        })) {
            MilterVerdict verdict = check(milter);
            assertEquals(List.of("From", " Alice <alice@sender.example>"), milter.packets('L').get(1).strings());
            assertEquals(List.of(new HeaderChange.Add("X-Spaced", "value")), verdict.headerChanges());
        }
    }

    @Test
    void aMessageThatCannotBeReadIsOurErrorNotTheFilters() throws Exception {
        try (FakeMilter milter = filter(c -> c.send('a'))) {
            InputStream broken = new SequenceInputStream(new ByteArrayInputStream(MESSAGE), new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("disk on fire");
                }
            });
            var client = new MilterClient(milter.address(), Duration.ofSeconds(5));
            IOException e = assertThrows(IOException.class, () -> client.check(envelope(), broken));
            assertEquals("disk on fire", e.getMessage());
        }
    }

    @Test
    void envelopeWithoutNetworkClientSendsUnknownFamily() throws Exception {
        try (FakeMilter milter = filter(c -> c.send('a'))) {
            var client = new MilterClient(milter.address(), Duration.ofSeconds(5));
            var local = MilterEnvelope.builder("", List.of("bob@letterbox.test")).build();
            assertInstanceOf(MilterVerdict.Accept.class, client.check(local, new ByteArrayInputStream(MESSAGE)));
            assertArrayEquals(new Packet.Builder().string("unknown").bytes((byte) 'U').build(), milter.packets('C').get(0).data());
            assertEquals(List.of("<>"), milter.packets('M').get(0).strings());
            assertFalse(milter.codes().contains("H"), "no HELO without a HELO name: " + milter.codes());
        }
    }
}
