package dev.letterbox.store;

import static dev.letterbox.store.MailboxException.Reason.OVER_QUOTA;
import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.assertRefused;
import static dev.letterbox.store.StoreFixture.mailbox;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.message;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The per-account message count limit (IMAP QUOTA=RES-MESSAGE, RFC 9208 §5.2) and the count kept for it. */
public interface MessageQuotaContract extends StoreFixture {

    private static long usedMessages(MailStore store, long account) {
        return store.directory().account(account).orElseThrow().usedMessages();
    }

    private static long actualMessages(MailStore store, long account) {
        return store.read(account, tx -> {
            long n = 0;
            for (Mailbox m : tx.mailboxes()) n += tx.uids(m.id()).length;
            return n;
        });
    }

    @Test
    default void messageLimitIsCheckedOnAppendAndCopyAndTheCountKeptExact() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            long archive = mailboxId(store, a, "Archive");
            long trash = mailboxId(store, a, "Trash");
            append(store, a, inbox, "one");
            append(store, a, inbox, "two");
            store.directory().setMessageQuota(a, 3);
            assertEquals(3, store.directory().account(a).orElseThrow().quotaMessages());
            assertEquals(2, usedMessages(store, a));

            long uidNext = mailbox(store, a, archive).uidNext();
            assertRefused(OVER_QUOTA, () -> store.write(a, tx -> tx.copy(inbox, new long[] {1, 2}, archive)));
            assertEquals(uidNext, mailbox(store, a, archive).uidNext(), "nothing changed");
            store.write(a, tx -> tx.copy(inbox, new long[] {1}, archive)); // exactly at the limit is fine
            assertEquals(3, usedMessages(store, a));
            NewMessage more = message(store, "three");
            assertRefused(OVER_QUOTA, () -> append(store, a, inbox, more));
            // a move changes no count, so it is allowed at the limit (RFC 6851 §3.3: making room)
            store.write(a, tx -> tx.move(inbox, new long[] {1, 2}, trash));
            assertEquals(3, usedMessages(store, a));

            store.write(a, tx -> tx.expunge(trash, new long[] {1}));
            assertEquals(2, usedMessages(store, a));
            append(store, a, inbox, more);
            assertEquals(3, usedMessages(store, a));
            store.write(a, tx -> { tx.deleteMailbox(trash); return null; });
            assertEquals(2, usedMessages(store, a));
            store.directory().setMessageQuota(a, 0); // 0 = unlimited
            for (int i = 0; i < 5; i++) append(store, a, inbox, "m" + i);
            assertEquals(7, usedMessages(store, a));
            assertEquals(actualMessages(store, a), usedMessages(store, a));
            assertEquals(7, store.read(a, ReadTx::account).usedMessages());
        }
    }

    @Test
    default void concurrentWritersOnTwoNodesNeverPassTheMessageLimit() throws Exception {
        try (MailStore a = newStore(); MailStore b = sameDatabase(a)) {
            long account = newAccount(a, "race@example.com");
            a.directory().setMessageQuota(account, 25);
            long inbox = mailboxId(a, account, "INBOX");
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> writers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    MailStore node = t % 2 == 0 ? a : b;
                    int writer = t;
                    Callable<Integer> work = () -> {
                        start.await();
                        int stored = 0;
                        for (int i = 0; i < 6; i++) {
                            NewMessage m = message(node, "w" + writer + " m" + i);
                            try {
                                node.write(account, tx -> tx.append(inbox, m));
                                stored++;
                            } catch (MailboxException e) {
                                assertEquals(OVER_QUOTA, e.reason());
                            }
                        }
                        return stored;
                    };
                    writers.add(threads.submit(work));
                }
                start.countDown();
                int stored = 0;
                for (Future<Integer> f : writers) stored += f.get();
                assertEquals(25, stored, "48 tries, a limit of 25");
                assertEquals(25, usedMessages(a, account));
                assertEquals(25, actualMessages(a, account));
            } finally {
                threads.shutdownNow();
            }
        }
    }
}
