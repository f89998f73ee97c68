package dev.letterbox.store;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** What the contract tests need from a backend (a fresh store) and the helpers they share. */
public interface StoreFixture {
    Instant DATE = Instant.parse("2024-01-02T03:04:05Z");

    /** A new, empty store of the backend under test; the test closes it. */
    MailStore newStore();

    /** Another node on {@code store}'s database (a second process on the same data); the test closes it. */
    MailStore sameDatabase(MailStore store);

    static long newAccount(MailStore store, String address) {
        return newAccount(store, address, 0);
    }

    static long newAccount(MailStore store, String address, long quota) {
        String domain = address.substring(address.indexOf('@') + 1);
        if (store.directory().domain(domain).isEmpty()) store.directory().addDomain(domain);
        return store.directory().addAccount(address, "$test$hash", quota, Protocol.all()).id();
    }

    /** Stores {@code text} as a committed blob and describes it as a new message. */
    static NewMessage message(MailStore store, String text, Flags flags) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (BlobStore.BlobWriter w = store.blobs().create()) {
            try (OutputStream out = w.stream()) {
                out.write(bytes);
            }
            BlobId id = w.commit();
            return new NewMessage(id, bytes.length, flags, DATE, ("structure of " + text).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NewMessage message(MailStore store, String text) {
        return message(store, text, Flags.NONE);
    }

    static long mailboxId(MailStore store, long account, String name) {
        return store.read(account, tx -> tx.mailbox(name).orElseThrow().id());
    }

    static AppendResult append(MailStore store, long account, long mailbox, NewMessage m) {
        return store.write(account, tx -> tx.append(mailbox, m));
    }

    static AppendResult append(MailStore store, long account, long mailbox, String text) {
        return append(store, account, mailbox, message(store, text));
    }

    static Mailbox mailbox(MailStore store, long account, long mailboxId) {
        return store.read(account, tx -> tx.mailbox(mailboxId).orElseThrow());
    }

    static long usedBytes(MailStore store, long account) {
        return store.directory().account(account).orElseThrow().usedBytes();
    }

    static void assertRefused(MailboxException.Reason reason, Runnable action) {
        MailboxException e = assertThrows(MailboxException.class, action::run);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    /** Waits (up to 3 s) for a freed blob's file to go: it is deleted after the commit, by the writer. */
    static void awaitBlobGone(MailStore store, BlobId blob) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (store.blobs().exists(blob)) {
            if (System.nanoTime() > deadline) fail("blob " + blob + " was not deleted");
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** Collects the changes published for one account. */
    static BlockingQueue<Change> listen(MailStore store, long account) {
        BlockingQueue<Change> q = new LinkedBlockingQueue<>();
        store.changes().subscribe(account, q::add);
        return q;
    }

    /** Waits (up to 15 s, for a loaded machine: publication follows commit, on the writer thread) for a change. */
    static void awaitChange(BlockingQueue<Change> q, Change expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        try {
            while (System.nanoTime() < deadline) {
                Change c = q.poll(50, TimeUnit.MILLISECONDS);
                if (expected.equals(c)) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fail("no " + expected + " published");
    }
}
