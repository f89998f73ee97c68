package dev.letterbox.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.message.MessageStructure;
import dev.letterbox.store.Account;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every delivered message has its structure stored with it, parsed while the bytes streamed in and
 * re-based behind the fields the pipeline put in front: equal to parsing the stored blob whole.
 */
class DeliveryStructureTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void deliveredMessagesCarryTheirStructure() throws IOException {
        String alice = server.newUser("alice");
        String bob = server.newUser("bob");
        byte[] message = ("From: Carol <carol@example.com>\r\nTo: alice@example.test, bob@example.test\r\n"
                + "Subject: =?utf-8?q?caf=C3=A9?=\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
                + "--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x\r\nContent-Type: message/rfc822\r\n\r\n"
                + "Subject: inner\r\n\r\ninner body\r\n--x--\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Account> accounts = List.of(server.account(alice), server.account(bob));
        Recipients recipients = new Recipients();
        recipients.add(alice, new RecipientDecision.Accept(accounts, List.of()), Optional.empty(), Optional.empty());
        // from the queue: a Return-Path goes in front of the client's bytes
        Outcome outcome = server.server().pipeline().deliver(Envelope.local(Envelope.Origin.QUEUE, "carol@example.com",
                "test"), recipients, new ByteArrayInputStream(message), false);
        assertEquals(2, assertInstanceOf(Outcome.Delivered.class, outcome).stored());

        for (Account account : accounts) {
            MessageMeta meta = server.server().store().read(account.id(), tx -> {
                Mailbox inbox = tx.mailbox(Mailbox.INBOX).orElseThrow();
                return tx.messages(inbox.id(), 1, Long.MAX_VALUE, 10).get(0);
            });
            byte[] blob;
            try (InputStream in = server.server().store().blobs().open(meta.blob())) {
                blob = in.readAllBytes();
            }
            assertTrue(new String(blob, StandardCharsets.US_ASCII).startsWith("Return-Path: <carol@example.com>\r\nFrom: Carol"));
            byte[] stored = server.server().store().read(account.id(), tx -> tx.structure(meta.blob()));
            assertNotNull(stored, "structure stored for " + account.address());
            MessageStructure s = MessageStructure.deserialize(stored);
            assertEquals(MessageStructure.parse(new ByteArrayInputStream(blob)), s);
            assertEquals(blob.length, s.size());
            assertEquals("caf\u00e9", s.subject());
            MessageStructure.Part inner = s.part(new int[] {2, 1}).orElseThrow();
            assertEquals("Subject: inner\r\n\r\n", new String(blob, (int) inner.headerStart(),
                    (int) (inner.bodyStart() - inner.headerStart()), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aMessageTooBigForMemoryGoesThroughScratchSpaceAndLeavesNothingBehind() throws IOException {
        String carol = server.newUser("carol");
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 1_200_000; i++) body.append("line ").append(i).append(" of a long message\r\n");
        byte[] message = ("From: a@example.org\r\nSubject: big\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        Recipients recipients = new Recipients();
        recipients.add(carol, new RecipientDecision.Accept(List.of(server.account(carol)), List.of()), Optional.empty(),
                Optional.empty());
        Outcome outcome = server.server().pipeline().deliver(Envelope.local(Envelope.Origin.QUEUE, "a@example.org", "test"),
                recipients, new ByteArrayInputStream(message), false);
        assertEquals(1, assertInstanceOf(Outcome.Delivered.class, outcome).stored());
        assertTrue(server.inbox(carol).getFirst().endsWith(new String(message, StandardCharsets.US_ASCII)));
        try (var tmp = java.nio.file.Files.list(server.dataDir().resolve("blobs").resolve("tmp"))) {
            assertEquals(List.of(), tmp.toList(), "no scratch or temporary file left");
        }
    }
}
