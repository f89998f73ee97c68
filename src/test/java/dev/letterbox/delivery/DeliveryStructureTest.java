package dev.letterbox.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every delivered message has its parsed-once structure stored with the blob. */
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
        LocalDelivery delivery = server.server().delivery();
        LocalDelivery.StoredBlob blob = delivery.storeBlob(new byte[0], new ByteArrayInputStream(message), false, 0);
        List<Account> accounts = List.of(server.account(alice), server.account(bob));
        List<DeliveryOutcome> outcomes = delivery.deliver(blob, accounts, "test");
        assertEquals(2, outcomes.stream().filter(o -> o instanceof DeliveryOutcome.Stored).count());

        MessageStructure fresh;
        try (InputStream in = server.server().store().blobs().open(blob.id())) {
            fresh = MessageStructure.parse(in);
        }
        for (Account account : accounts) {
            byte[] stored = server.server().store().read(account.id(), tx -> {
                Mailbox inbox = tx.mailbox(Mailbox.INBOX).orElseThrow();
                MessageMeta meta = tx.messages(inbox.id(), 1, Long.MAX_VALUE, 10).get(0);
                return tx.structure(meta.blob());
            });
            assertNotNull(stored, "structure stored for " + account.address());
            MessageStructure s = MessageStructure.deserialize(stored);
            assertEquals(fresh, s);
            assertEquals(message.length, s.size());
            assertEquals("caf\u00e9", s.subject());
            MessageStructure.Part inner = s.part(new int[] {2, 1}).orElseThrow();
            assertEquals("Subject: inner\r\n\r\n", new String(message, (int) inner.headerStart(),
                    (int) (inner.bodyStart() - inner.headerStart()), StandardCharsets.US_ASCII));
        }
    }
}
