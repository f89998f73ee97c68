package dev.letterbox.store;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.letterbox.store.MailboxException.Reason.NONEXISTENT;
import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.assertRefused;
import static dev.letterbox.store.StoreFixture.awaitChange;
import static dev.letterbox.store.StoreFixture.listen;
import static dev.letterbox.store.StoreFixture.mailbox;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.message;
import static dev.letterbox.store.StoreFixture.newAccount;
import static dev.letterbox.store.StoreFixture.usedBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole {@link MailStore} contract. A backend's test implements this interface and
 * {@link #newStore()}; every default method here and in the interfaces it extends runs against it.
 */
public interface MailStoreContract extends DirectoryContract, MailboxContract, MessageContract, MailboxIndexContract,
        QueueContract, DmarcReportContract, CoordinationContract, SieveScriptsContract, UrlAuthKeysContract,
        MailboxGrantsContract, CredentialsContract, MailboxMetadataContract, MessageQuotaContract {

    @Test
    default void anotherAccountsMailboxesAreNonexistent() {
        try (MailStore store = newStore()) {
            long alice = newAccount(store, "alice@example.com");
            long bob = newAccount(store, "bob@example.com");
            long aliceInbox = mailboxId(store, alice, "INBOX");
            long bobInbox = mailboxId(store, bob, "INBOX");
            append(store, alice, aliceInbox, "private");
            // a message every read below would find, were it bob's: unseen, \Deleted, a keyword
            append(store, alice, aliceInbox, message(store, "flagged", Flags.parse(List.of("\\Deleted", "$Work"))));
            NewMessage m = message(store, "intruder");

            assertTrue(store.read(bob, tx -> tx.mailbox(aliceInbox)).isEmpty());
            assertFalse((boolean) store.read(bob, tx -> tx.mailboxes().stream().anyMatch(x -> x.id() == aliceInbox)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.status(aliceInbox)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.uids(aliceInbox)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.messages(aliceInbox, 1, 10, 10)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.message(aliceInbox, 1)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.changedSince(aliceInbox, 0, 0, 10)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.expungedSince(aliceInbox, 0)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.recentMark(aliceInbox)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.flagStates(aliceInbox, 1, 10, 10)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.uidsWithFlag(aliceInbox, Flags.DELETED)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.firstUnseenUid(aliceInbox)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.keywordsInUse(aliceInbox)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.structures(aliceInbox, 1, 10, 10)));
            assertRefused(NONEXISTENT, () -> store.read(bob, tx -> tx.vanishedHorizon(aliceInbox)));
            // the same reads of bob's own empty INBOX: empty answers, no refusal
            store.read(bob, tx -> {
                assertEquals(0, tx.uids(bobInbox).length);
                assertTrue(tx.messages(bobInbox, 1, 10, 10).isEmpty());
                assertTrue(tx.flagStates(bobInbox, 1, 10, 10).isEmpty());
                assertEquals(0, tx.uidsWithFlag(bobInbox, Flags.DELETED).length);
                assertEquals(0, tx.firstUnseenUid(bobInbox));
                assertTrue(tx.keywordsInUse(bobInbox).isEmpty());
                assertTrue(tx.structures(bobInbox, 1, 10, 10).isEmpty());
                assertTrue(tx.changedSince(bobInbox, 0, 0, 10).isEmpty());
                assertEquals(0, tx.expungedSince(bobInbox, 0).length);
                return null;
            });
            assertRefused(NONEXISTENT, () -> store.write(bob, tx -> tx.append(aliceInbox, m)));
            assertRefused(NONEXISTENT, () -> store.write(bob, tx -> tx.expunge(aliceInbox, new long[] {1})));
            assertRefused(NONEXISTENT, () -> store.write(bob, tx -> tx.storeFlags(aliceInbox, new long[] {1},
                    FlagUpdate.Mode.ADD, Flags.ofSystem(Flags.SEEN), OptionalLong.empty())));
            assertRefused(NONEXISTENT, () -> store.write(bob, tx -> tx.copy(aliceInbox, new long[] {1}, bobInbox)));
            assertRefused(NONEXISTENT, () -> store.write(bob, tx -> tx.move(bobInbox, new long[] {1}, aliceInbox)));
            assertRefused(NONEXISTENT, () -> store.write(bob, tx -> tx.claimRecent(aliceInbox)));
            assertRefused(NONEXISTENT, () -> store.write(bob, tx -> { tx.deleteMailbox(aliceInbox); return null; }));
            assertEquals(2, store.read(alice, tx -> tx.status(aliceInbox)).messages());
            assertEquals(List.of("$Work"), store.read(alice, tx -> tx.keywordsInUse(aliceInbox)));
            assertArrayEquals(new long[] {2}, store.read(alice, tx -> tx.uidsWithFlag(aliceInbox, Flags.DELETED)));
            assertEquals(0, store.read(bob, tx -> tx.status(bobInbox)).messages());
        }
    }

    @Test
    default void aFailingUnitLeavesNothingBehind() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            NewMessage m = message(store, "half done");
            Mailbox before = mailbox(store, a, inbox);
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> store.write(a, tx -> {
                tx.append(inbox, m);
                tx.createMailbox("Half", Optional.empty());
                throw boom;
            }));
            assertSame(boom, thrown, "the unit's own exception reaches the caller");
            assertEquals(before, mailbox(store, a, inbox));
            assertTrue(store.read(a, tx -> tx.mailbox("Half")).isEmpty());
            assertEquals(0, usedBytes(store, a));
            // and the store goes on working
            assertEquals(1, append(store, a, inbox, m).uid());
        }
    }

    @Test
    default void changesArePublishedPerAccountAfterCommit() {
        try (MailStore store = newStore()) {
            long alice = newAccount(store, "alice@example.com");
            long bob = newAccount(store, "bob@example.com");
            long inbox = mailboxId(store, alice, "INBOX");
            BlockingQueue<Change> aliceChanges = listen(store, alice);
            BlockingQueue<Change> bobChanges = listen(store, bob);

            append(store, alice, inbox, "news");
            awaitChange(aliceChanges, new Change.MailboxContent(alice, inbox));
            store.write(alice, tx -> tx.createMailbox("New", Optional.empty()));
            awaitChange(aliceChanges, new Change.MailboxList(alice));
            store.write(alice, tx -> tx.storeFlags(inbox, new long[] {1}, FlagUpdate.Mode.ADD,
                    Flags.ofSystem(Flags.SEEN), OptionalLong.empty()));
            awaitChange(aliceChanges, new Change.MailboxContent(alice, inbox));
            assertTrue(bobChanges.stream().allMatch(c -> c.accountId() == bob), "bob hears nothing of alice");

            List<Change> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            ChangeBus.Subscription sub = store.changes().subscribe(alice, seen::add);
            sub.close();
            append(store, alice, inbox, "after close");
            awaitChange(aliceChanges, new Change.MailboxContent(alice, inbox));
            assertTrue(seen.isEmpty(), "a closed subscription gets nothing");
        }
    }

    @Test
    default void writeAsyncLetsOneCallerCommitSeveralAccounts() throws Exception {
        try (MailStore store = newStore()) {
            long alice = newAccount(store, "alice@example.com");
            long bob = newAccount(store, "bob@example.com");
            NewMessage m = message(store, "to both");
            long aliceInbox = mailboxId(store, alice, "INBOX");
            long bobInbox = mailboxId(store, bob, "INBOX");
            CompletableFuture<AppendResult> fa = store.writeAsync(alice, tx -> tx.append(aliceInbox, m));
            CompletableFuture<AppendResult> fb = store.writeAsync(bob, tx -> tx.append(bobInbox, m));
            assertEquals(1, fa.get(10, TimeUnit.SECONDS).uid());
            assertEquals(1, fb.get(10, TimeUnit.SECONDS).uid());
            store.write(alice, tx -> tx.expunge(aliceInbox, new long[] {1}));
            assertTrue(store.blobs().exists(m.blob()), "bob's copy keeps the shared blob");
            // A follow-up stage may itself write: it does not run where it could block the store.
            long chained = store.writeAsync(alice, tx -> tx.append(aliceInbox, m))
                    .thenApply(r -> store.write(alice, tx -> tx.claimRecent(aliceInbox)))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(1L, chained);
            CompletableFuture<Void> failed = store.writeAsync(bob, tx -> { throw new IllegalArgumentException("no"); });
            assertTrue(assertThrows(Exception.class, () -> failed.get(10, TimeUnit.SECONDS)).getCause()
                    instanceof IllegalArgumentException);
        }
    }

    @Test
    default void readOfAMissingAccountFindsNothing() {
        try (MailStore store = newStore()) {
            assertTrue(store.read(424242, ReadTx::mailboxes).isEmpty());
            assertRefused(MailboxException.Reason.NOT_FOUND, () -> store.read(424242, ReadTx::account));
            assertRefused(MailboxException.Reason.NOT_FOUND,
                    () -> store.write(424242, tx -> tx.createMailbox("x", Optional.empty())));
            assertNull(store.read(424242, tx -> tx.structure(new BlobId("0123456789abcdef"))));
        }
    }
}
