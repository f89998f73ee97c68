package dev.letterbox.store;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static dev.letterbox.store.FlagUpdate.Mode.ADD;
import static dev.letterbox.store.FlagUpdate.Mode.REMOVE;
import static dev.letterbox.store.FlagUpdate.Mode.REPLACE;
import static dev.letterbox.store.MailboxException.Reason.NONEXISTENT;
import static dev.letterbox.store.MailboxException.Reason.OVER_QUOTA;
import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.assertRefused;
import static dev.letterbox.store.StoreFixture.mailbox;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.message;
import static dev.letterbox.store.StoreFixture.newAccount;
import static dev.letterbox.store.StoreFixture.usedBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages: UIDs, MODSEQs, flags, copy/move, expunge, quota, \Recent (RFC 3501, 7162, 6851). */
public interface MessageContract extends StoreFixture {

    @Test
    default void appendGivesAscendingUidsAndRaisesModSeq() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            Mailbox before = mailbox(store, a, inbox);
            AppendResult r1 = append(store, a, inbox, "one");
            AppendResult r2 = append(store, a, inbox, message(store, "two", Flags.ofSystem(Flags.SEEN)));
            AppendResult r3 = append(store, a, inbox, "three");
            assertEquals(List.of(1L, 2L, 3L), List.of(r1.uid(), r2.uid(), r3.uid()));
            assertEquals(before.uidValidity(), r1.uidValidity());
            assertEquals(inbox, r1.mailboxId());
            assertTrue(before.highestModSeq() < r1.modSeq() && r1.modSeq() < r2.modSeq() && r2.modSeq() < r3.modSeq());

            MailboxStatus st = store.read(a, tx -> tx.status(inbox));
            assertEquals(3, st.messages());
            assertEquals(2, st.unseen());
            assertEquals(3 + 3 + 5, st.sizeBytes());
            assertEquals(4, st.uidNext());
            assertEquals(r3.modSeq(), st.highestModSeq());
            assertEquals(0, st.deleted());

            assertArrayEquals(new long[] {1, 2, 3}, store.read(a, tx -> tx.uids(inbox)));
            List<MessageMeta> page = store.read(a, tx -> tx.messages(inbox, 2, Long.MAX_VALUE, 1));
            assertEquals(1, page.size());
            MessageMeta two = page.getFirst();
            assertEquals(2, two.uid());
            assertEquals(3, two.size());
            assertEquals(DATE, two.internalDate());
            assertTrue(two.flags().has(Flags.SEEN));
            assertEquals(r2.modSeq(), two.modSeq());
            assertEquals(Optional.of(two), store.read(a, tx -> tx.message(inbox, 2)));
            assertTrue(store.read(a, tx -> tx.message(inbox, 9)).isEmpty());
            assertEquals(11, usedBytes(store, a));
        }
    }

    @Test
    default void appendByNameFindsTheMailboxAsLookupByNameDoes() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com", 100);
            long b = newAccount(store, "bob@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            long sent = mailboxId(store, a, "Sent");
            long before = mailbox(store, a, inbox).highestModSeq();
            AppendResult r = store.write(a, tx -> tx.append("inbox", message(store, "one")));
            assertEquals(inbox, r.mailboxId(), "INBOX in any case");
            assertEquals(1, r.uid());
            assertEquals(mailbox(store, a, inbox).uidValidity(), r.uidValidity());
            assertEquals(before + 1, r.modSeq());
            assertEquals(r.modSeq(), mailbox(store, a, inbox).highestModSeq());
            assertEquals(3, usedBytes(store, a));
            List<Change> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (ChangeBus.Subscription sub = store.changes().subscribe(a, seen::add)) {
                store.write(a, tx -> tx.append("INBOX", message(store, "two")));
            }
            assertEquals(List.of(new Change.MailboxContent(a, inbox)), seen);

            assertRefused(NONEXISTENT, () -> store.write(a, tx -> tx.append("sent", message(store, "x"))));
            assertRefused(NONEXISTENT, () -> store.write(a, tx -> tx.append("Nowhere", message(store, "x"))));
            assertEquals(mailboxId(store, b, "Sent"), store.write(b, tx -> tx.append("Sent", message(store, "x"))).mailboxId(),
                    "the name is the account's own");
            long sentUidNext = mailbox(store, a, sent).uidNext();
            assertRefused(OVER_QUOTA, () -> store.write(a, tx -> tx.append("Sent", message(store, "y".repeat(95)))));
            assertEquals(sentUidNext, mailbox(store, a, sent).uidNext(), "nothing changed");
            assertEquals(6, usedBytes(store, a));

            // after a change in the same unit: one MODSEQ per mailbox and unit, as by id
            List<AppendResult> more = store.write(a, tx -> List.of(tx.append(inbox, message(store, "3")),
                    tx.append("INBOX", message(store, "4")), tx.append("Sent", message(store, "5"))));
            assertEquals(List.of(3L, 4L, 1L), more.stream().map(AppendResult::uid).toList());
            assertEquals(more.get(0).modSeq(), more.get(1).modSeq());
            assertEquals(List.of(inbox, inbox, sent), more.stream().map(AppendResult::mailboxId).toList());
            assertEquals(9, usedBytes(store, a));
        }
    }

    @Test
    default void oneUnitTakesOneModSeqPerMailbox() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            long sent = mailboxId(store, a, "Sent");
            long inboxBefore = mailbox(store, a, inbox).highestModSeq();
            long sentBefore = mailbox(store, a, sent).highestModSeq();
            NewMessage m1 = message(store, "a"), m2 = message(store, "b"), m3 = message(store, "c");
            List<AppendResult> results = store.write(a, tx -> {
                AppendResult x = tx.append(inbox, m1);
                AppendResult y = tx.append(inbox, m2);
                tx.storeFlags(inbox, new long[] {x.uid()}, ADD, Flags.ofSystem(Flags.FLAGGED), OptionalLong.empty());
                return List.of(x, y, tx.append(sent, m3));
            });
            assertEquals(inboxBefore + 1, mailbox(store, a, inbox).highestModSeq());
            assertEquals(sentBefore + 1, mailbox(store, a, sent).highestModSeq());
            assertEquals(results.get(0).modSeq(), results.get(1).modSeq());
            assertEquals(inboxBefore + 1, store.read(a, tx -> tx.message(inbox, 1)).orElseThrow().modSeq());
        }
    }

    @Test
    default void unsyncedFlagWritesInterleavedWithSyncedOnesAllCommitInOrder() throws Exception {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            AppendResult m = append(store, a, inbox, "1");
            List<java.util.concurrent.Future<?>> writes = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 40; i++) {
                    String keyword = "k" + i;
                    boolean synced = i % 3 == 0; // groups of both kinds, queued behind each other
                    MailStore.Work<WriteTx, FlagUpdate> work = tx -> tx.storeFlags(inbox, new long[] {m.uid()}, ADD,
                            Flags.parse(List.of(keyword)), OptionalLong.empty());
                    writes.add(pool.submit(() -> synced ? store.write(a, work) : store.writeUnsynced(a, work)));
                }
                for (var w : writes) w.get();
            }
            MessageMeta after = store.read(a, tx -> tx.message(inbox, m.uid())).orElseThrow();
            assertEquals(40, after.flags().keywords().size(), "every write committed: " + after.flags());
            assertEquals(m.modSeq() + 40, after.modSeq(), "one MODSEQ per write, none lost or repeated");
        }
    }

    @Test
    default void storeFlagsTouchesOnlyMessagesWhoseFlagsChange() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, message(store, "1", Flags.ofSystem(Flags.SEEN)));
            append(store, a, inbox, "2");
            AppendResult third = append(store, a, inbox, message(store, "3", Flags.parse(List.of("$Label1"))));
            long before = mailbox(store, a, inbox).highestModSeq();

            FlagUpdate u = store.write(a, tx -> tx.storeFlags(inbox, new long[] {1, 2, 3, 42}, ADD,
                    Flags.ofSystem(Flags.SEEN), OptionalLong.empty()));
            assertEquals(List.of(2L, 3L), u.changed().stream().map(MessageMeta::uid).toList());
            assertEquals(before + 1, u.changed().getFirst().modSeq());
            assertEquals(0, u.modifiedSinceRefused().length);
            MessageMeta first = store.read(a, tx -> tx.message(inbox, 1)).orElseThrow();
            assertTrue(first.modSeq() <= before, "message 1 already had \\Seen: untouched");
            // two new sets of flags from one STORE: both written, with the one MODSEQ
            MessageMeta second = store.read(a, tx -> tx.message(inbox, 2)).orElseThrow();
            MessageMeta thirdNow = store.read(a, tx -> tx.message(inbox, 3)).orElseThrow();
            assertEquals(List.of("\\Seen"), second.flags().names());
            assertEquals(List.of("\\Seen", "$Label1"), thirdNow.flags().names());
            assertEquals(before + 1, second.modSeq());
            assertEquals(before + 1, thirdNow.modSeq());

            FlagUpdate k = store.write(a, tx -> tx.storeFlags(inbox, new long[] {3}, ADD,
                    Flags.parse(List.of("$LABEL1", "Work")), OptionalLong.empty()));
            assertEquals(List.of("$Label1", "Work"), k.changed().getFirst().flags().keywords(), "first spelling is kept");
            FlagUpdate none = store.write(a, tx -> tx.storeFlags(inbox, new long[] {3}, ADD,
                    Flags.parse(List.of("work")), OptionalLong.empty()));
            assertTrue(none.changed().isEmpty(), "keywords compare case-insensitively");

            FlagUpdate removed = store.write(a, tx -> tx.storeFlags(inbox, new long[] {1, 2, 3}, REMOVE,
                    Flags.parse(List.of("\\Seen", "$label1")), OptionalLong.empty()));
            assertEquals(3, removed.changed().size());
            assertEquals(List.of("Work"), store.read(a, tx -> tx.message(inbox, 3)).orElseThrow().flags().names());

            FlagUpdate replaced = store.write(a, tx -> tx.storeFlags(inbox, new long[] {1, 2}, REPLACE,
                    Flags.ofSystem(Flags.DELETED | Flags.ANSWERED), OptionalLong.empty()));
            assertEquals(2, replaced.changed().size());
            assertEquals(2, store.read(a, tx -> tx.status(inbox)).deleted());
            assertEquals(third.uid(), 3);
        }
    }

    @Test
    default void aStoreOnMessagesSpellingAKeywordDifferentlyKeepsEachSpelling() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "spelling@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, message(store, "1", Flags.parse(List.of("$label1"))));
            append(store, a, inbox, message(store, "2", Flags.parse(List.of("$LABEL1"))));
            FlagUpdate u = store.write(a, tx -> tx.storeFlags(inbox, new long[] {1, 2}, ADD,
                    Flags.ofSystem(Flags.SEEN), OptionalLong.empty()));
            assertEquals(2, u.changed().size());
            assertEquals(List.of("\\Seen", "$label1"), store.read(a, tx -> tx.message(inbox, 1)).orElseThrow().flags().names());
            assertEquals(List.of("\\Seen", "$LABEL1"), store.read(a, tx -> tx.message(inbox, 2)).orElseThrow().flags().names());
        }
    }

    @Test
    default void flagChangesAndAnExpungeInOneUnitShareOneModSeq() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "unit@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            for (String text : List.of("1", "2", "3", "4")) append(store, a, inbox, text);
            long before = mailbox(store, a, inbox).highestModSeq();
            long[] removed = store.write(a, tx -> {
                tx.storeFlags(inbox, new long[] {1, 2}, ADD, Flags.ofSystem(Flags.FLAGGED), OptionalLong.empty());
                tx.storeFlags(inbox, new long[] {2}, ADD, Flags.ofSystem(Flags.SEEN), OptionalLong.empty());
                return tx.expunge(inbox, new long[] {3, 4});
            });
            assertArrayEquals(new long[] {3, 4}, removed);
            assertEquals(before + 1, mailbox(store, a, inbox).highestModSeq(), "one MODSEQ for the unit's changes");
            for (long uid : new long[] {1, 2}) {
                assertEquals(before + 1, store.read(a, tx -> tx.message(inbox, uid)).orElseThrow().modSeq());
            }
            assertEquals(List.of("\\Seen", "\\Flagged"), store.read(a, tx -> tx.message(inbox, 2)).orElseThrow().flags().names());
            assertArrayEquals(new long[] {3, 4}, store.read(a, tx -> tx.expungedSince(inbox, before)));
            assertArrayEquals(new long[0], store.read(a, tx -> tx.expungedSince(inbox, before + 1)));
        }
    }

    /** A unit learns the MODSEQ its own expunge took, and before any change, the stored one. */
    @Test
    default void highestModSeqInAUnitIsTheStoredOneThenTheUnitsOwn() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "ownmodseq@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            for (String text : List.of("1", "2", "3")) append(store, a, inbox, text);
            long before = mailbox(store, a, inbox).highestModSeq();
            long[] seen = store.write(a, tx -> {
                long untouched = tx.highestModSeq(inbox);
                tx.expunge(inbox, new long[] {2});
                return new long[] {untouched, tx.highestModSeq(inbox)};
            });
            assertEquals(before, seen[0]);
            assertEquals(mailbox(store, a, inbox).highestModSeq(), seen[1]);
            assertEquals(before + 1, seen[1]);
        }
    }

    @Test
    default void unchangedSinceRefusesMessagesChangedAfterIt() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, "1");
            AppendResult two = append(store, a, inbox, "2");
            long mark = mailbox(store, a, inbox).highestModSeq();
            store.write(a, tx -> tx.storeFlags(inbox, new long[] {2}, ADD, Flags.ofSystem(Flags.FLAGGED), OptionalLong.empty()));

            // RFC 7162 §3.1.3: message 2 changed after `mark`, so it is refused; message 1 is stored.
            FlagUpdate u = store.write(a, tx -> tx.storeFlags(inbox, new long[] {1, 2}, ADD,
                    Flags.ofSystem(Flags.SEEN), OptionalLong.of(mark)));
            assertEquals(List.of(1L), u.changed().stream().map(MessageMeta::uid).toList());
            assertArrayEquals(new long[] {2}, u.modifiedSinceRefused());
            assertFalse(store.read(a, tx -> tx.message(inbox, 2)).orElseThrow().flags().has(Flags.SEEN));

            FlagUpdate zero = store.write(a, tx -> tx.storeFlags(inbox, new long[] {1}, ADD,
                    Flags.ofSystem(Flags.DRAFT), OptionalLong.of(0)));
            assertArrayEquals(new long[] {1}, zero.modifiedSinceRefused());

            List<MessageMeta> changed = store.read(a, tx -> tx.changedSince(inbox, two.modSeq(), 0, 100));
            assertEquals(List.of(1L, 2L), changed.stream().map(MessageMeta::uid).toList());
            assertEquals(List.of(2L), store.read(a, tx -> tx.changedSince(inbox, two.modSeq(), 1, 100))
                    .stream().map(MessageMeta::uid).toList());
            assertEquals(1, store.read(a, tx -> tx.changedSince(inbox, 0, 0, 1)).size());
        }
    }

    @Test
    default void expungeLeavesTombstonesAndNeverReusesUids() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, "1");
            NewMessage second = message(store, "22");
            append(store, a, inbox, second);
            append(store, a, inbox, "333");
            long before = mailbox(store, a, inbox).highestModSeq();

            long[] removed = store.write(a, tx -> tx.expunge(inbox, new long[] {3, 2, 7, 2}));

            assertArrayEquals(new long[] {2, 3}, removed);
            assertEquals(before + 1, mailbox(store, a, inbox).highestModSeq());
            assertArrayEquals(new long[] {2, 3}, store.read(a, tx -> tx.expungedSince(inbox, before)));
            assertArrayEquals(new long[0], store.read(a, tx -> tx.expungedSince(inbox, before + 1)));
            assertArrayEquals(new long[] {1}, store.read(a, tx -> tx.uids(inbox)));
            StoreFixture.awaitBlobGone(store, second.blob());
            assertEquals(1, usedBytes(store, a));
            assertEquals(4, append(store, a, inbox, "4").uid());
            assertArrayEquals(new long[0], store.write(a, tx -> tx.expunge(inbox, new long[] {2, 3})));
        }
    }

    @Test
    default void copyKeepsFlagsAndDateSharesTheBlobAndMapsUids() throws Exception {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            long archive = mailboxId(store, a, "Archive");
            NewMessage first = message(store, "first", Flags.of(Flags.FLAGGED, List.of("$Important")));
            append(store, a, inbox, first);
            append(store, a, inbox, "second");
            append(store, a, inbox, "third");
            append(store, a, archive, "already there");
            store.write(a, tx -> tx.expunge(inbox, new long[] {2}));
            Mailbox target = mailbox(store, a, archive);

            CopyResult r = store.write(a, tx -> tx.copy(inbox, new long[] {3, 1, 2, 99}, archive));

            assertEquals(target.uidValidity(), r.targetUidValidity());
            assertArrayEquals(new long[] {1, 3}, r.sourceUids());
            assertArrayEquals(new long[] {2, 3}, r.targetUids());
            MessageMeta copied = store.read(a, tx -> tx.message(archive, 2)).orElseThrow();
            assertEquals(first.flags(), copied.flags());
            assertEquals(DATE, copied.internalDate());
            assertEquals(first.blob(), copied.blob());
            assertEquals(5 + 5 + 13 + 5 + 5, usedBytes(store, a));
            assertEquals(2, store.read(a, tx -> tx.status(inbox)).messages(), "copy leaves the source alone");

            store.write(a, tx -> tx.expunge(inbox, new long[] {1}));
            assertTrue(store.blobs().exists(first.blob()), "still referred to by the copy");
            store.write(a, tx -> tx.expunge(archive, new long[] {2}));
            StoreFixture.awaitBlobGone(store, first.blob());
            CopyResult none = store.write(a, tx -> tx.copy(inbox, new long[] {1, 2}, archive));
            assertEquals(0, none.sourceUids().length);
        }
    }

    /**
     * A blob's row goes with the last message referring to it, also when its copies are in the same
     * mailbox (PostgreSQL's EXPUNGE decides that in its own statement, which still sees the rows it
     * deletes), and when one EXPUNGE removes every copy at once.
     */
    @Test
    default void theBlobOfCopiesInOneMailboxGoesWithTheLastOfThem() throws Exception {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            NewMessage m = message(store, "copied twice");
            append(store, a, inbox, m);
            store.write(a, tx -> tx.copy(inbox, new long[] {1}, inbox));
            store.write(a, tx -> tx.copy(inbox, new long[] {1}, inbox));
            store.write(a, tx -> tx.expunge(inbox, new long[] {1}));
            assertTrue(store.blobs().exists(m.blob()), "still referred to by the copies");
            assertEquals(2 * 12, usedBytes(store, a));
            store.write(a, tx -> tx.expunge(inbox, new long[] {2, 3}));
            StoreFixture.awaitBlobGone(store, m.blob());
            assertEquals(0, usedBytes(store, a));
        }
    }

    @Test
    default void moveExpungesFromTheSourceAndIsAllowedOverQuota() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com", 10);
            long inbox = mailboxId(store, a, "INBOX");
            long trash = mailboxId(store, a, "Trash");
            append(store, a, inbox, message(store, "12345", Flags.ofSystem(Flags.SEEN)));
            append(store, a, inbox, "67890");
            long inboxModSeq = mailbox(store, a, inbox).highestModSeq();

            CopyResult r = store.write(a, tx -> tx.move(inbox, new long[] {1, 2}, trash));

            assertArrayEquals(new long[] {1, 2}, r.sourceUids());
            assertArrayEquals(new long[] {1, 2}, r.targetUids());
            assertArrayEquals(new long[0], store.read(a, tx -> tx.uids(inbox)));
            assertArrayEquals(new long[] {1, 2}, store.read(a, tx -> tx.expungedSince(inbox, inboxModSeq)));
            assertTrue(store.read(a, tx -> tx.message(trash, 1)).orElseThrow().flags().has(Flags.SEEN));
            assertEquals(10, usedBytes(store, a));
        }
    }

    @Test
    default void quotaIsCheckedOnAppendAndCopyAndKeptExact() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com", 100);
            long inbox = mailboxId(store, a, "INBOX");
            long archive = mailboxId(store, a, "Archive");
            append(store, a, inbox, "x".repeat(60));
            long uidNext = mailbox(store, a, inbox).uidNext();
            NewMessage big = message(store, "y".repeat(41));
            assertRefused(OVER_QUOTA, () -> append(store, a, inbox, big));
            assertEquals(uidNext, mailbox(store, a, inbox).uidNext(), "nothing changed");
            assertRefused(OVER_QUOTA, () -> store.write(a, tx -> tx.copy(inbox, new long[] {1}, archive)));
            append(store, a, inbox, "z".repeat(40)); // exactly at the quota is fine
            assertEquals(100, usedBytes(store, a));

            store.write(a, tx -> tx.expunge(inbox, new long[] {1}));
            assertEquals(40, usedBytes(store, a));
            store.write(a, tx -> tx.copy(inbox, new long[] {2}, archive));
            assertEquals(80, usedBytes(store, a));
            store.directory().setQuota(a, 0); // 0 = unlimited
            append(store, a, archive, "w".repeat(500));
            assertEquals(580, usedBytes(store, a));
            long archiveId = archive;
            store.write(a, tx -> { tx.deleteMailbox(archiveId); return null; });
            assertEquals(40, usedBytes(store, a));
            assertTrue(store.read(a, ReadTx::account).usedBytes() == 40);
        }
    }

    @Test
    default void claimRecentHandsOutRecentMessagesOnce() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, "1");
            append(store, a, inbox, "2");
            assertEquals(2, store.read(a, tx -> tx.status(inbox)).recent());
            assertEquals(1L, (long) store.write(a, tx -> tx.claimRecent(inbox)));
            assertEquals(3L, (long) store.read(a, tx -> tx.recentMark(inbox)));
            ReadTx.MarkedMailbox marked = store.read(a, tx -> tx.mailboxWithRecentMark("inbox")).orElseThrow();
            assertEquals(inbox, marked.mailbox().id());
            assertEquals(3L, marked.recentMark());
            assertTrue(store.read(a, tx -> tx.mailboxWithRecentMark("Nowhere")).isEmpty());
            assertEquals(0, store.read(a, tx -> tx.status(inbox)).recent());
            assertEquals(3L, (long) store.write(a, tx -> tx.claimRecent(inbox)), "a second session gets nothing");
            append(store, a, inbox, "3");
            assertEquals(1, store.read(a, tx -> tx.status(inbox)).recent());
        }
    }

    @Test
    default void claimRecentUpToAUidLeavesLaterMessagesForTheNextClaim() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "upto@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, "1");
            append(store, a, inbox, "2");
            append(store, a, inbox, "3");
            assertEquals(1L, (long) store.write(a, tx -> tx.claimRecent(inbox, 3)), "UIDs 1 and 2 for this caller");
            assertEquals(3L, (long) store.write(a, tx -> tx.claimRecent(inbox, 3)), "then nothing below 3");
            assertEquals(3L, (long) store.write(a, tx -> tx.claimRecent(inbox, 2)), "the mark never moves back");
            assertEquals(3L, (long) store.write(a, tx -> tx.claimRecent(inbox, 99)), "UID 3 for the next caller");
            assertEquals(4L, (long) store.read(a, tx -> tx.recentMark(inbox)), "never past UIDNEXT");
        }
    }

    @Test
    default void claimRecentFromASeenMarkGivesTheSameAnswersAsALockedClaim() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "seen@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, "1");
            append(store, a, inbox, "2");
            append(store, a, inbox, "3");
            assertEquals(1L, (long) store.write(a, tx -> tx.claimRecent(inbox, 1, 3)), "the mark was still at 1: UIDs 1 and 2");
            assertEquals(3L, (long) store.read(a, tx -> tx.recentMark(inbox)));
            // a session that read the mark before that claim: it must not take UIDs 1 and 2 again
            assertEquals(3L, (long) store.write(a, tx -> tx.claimRecent(inbox, 1, 4)), "someone moved it: UID 3 only");
            assertEquals(4L, (long) store.read(a, tx -> tx.recentMark(inbox)));
            append(store, a, inbox, "4");
            assertEquals(4L, (long) store.write(a, tx -> tx.claimRecent(inbox, 4, 99)), "never past UIDNEXT");
            assertEquals(5L, (long) store.read(a, tx -> tx.recentMark(inbox)));
            assertEquals(5L, (long) store.write(a, tx -> tx.claimRecent(inbox, 5, 5)), "nothing to move");
            long other = newAccount(store, "other@example.com");
            assertRefused(NONEXISTENT, () -> store.write(other, tx -> tx.claimRecent(inbox, 5, 6))); // another account's
        }
    }

    @Test
    default void aClaimInTheUnitThatAppendedGivesTheSameAnswers() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "ownclaim@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, "1"); // nobody claims it
            assertEquals(1L, (long) store.write(a, tx -> {
                tx.append("INBOX", message(store, "2"));
                return tx.claimRecent(inbox, 1, 3);
            }), "UIDs 1 and 2 for this caller");
            assertEquals(3L, (long) store.read(a, tx -> tx.recentMark(inbox)));
            // two appends (by name, then by id) and two claims in one unit, from a stale seen mark
            long[] marks = store.write(a, tx -> {
                tx.append("INBOX", message(store, "3"));
                tx.append(inbox, message(store, "4"));
                return new long[] {tx.claimRecent(inbox, 1, 4), tx.claimRecent(inbox, 1, 99), tx.claimRecent(inbox, 99)};
            });
            assertArrayEquals(new long[] {3, 4, 5}, marks, "UID 3, then UID 4 (never past UIDNEXT), then nothing");
            assertEquals(5L, (long) store.read(a, tx -> tx.recentMark(inbox)));
            assertEquals(5L, (long) store.write(a, tx -> tx.claimRecent(inbox)), "nothing left for the next session");
            // a unit that claims and then fails moves nothing
            assertRefused(NONEXISTENT, () -> store.write(a, tx -> {
                tx.append("INBOX", message(store, "5"));
                tx.claimRecent(inbox, 5, 6);
                return tx.append("Nowhere", message(store, "x"));
            }));
            assertEquals(5L, (long) store.read(a, tx -> tx.recentMark(inbox)));
            assertEquals(0, store.read(a, tx -> tx.status(inbox)).recent());
        }
    }

    /**
     * Each round: an unclaimed message X, then one node appends U and claims in the same unit while
     * another claims everything, both from the mark as it was before X. X and U each go to exactly
     * one of them, whichever commits first.
     */
    @Test
    default void anAppendingUnitAndAnotherNodeClaimingAtOnceShareOutRecentMessages() throws Exception {
        try (MailStore one = newStore(); MailStore two = sameDatabase(one)) {
            long a = newAccount(one, "appendrace@example.com");
            long inbox = mailboxId(one, a, "INBOX");
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                for (int round = 1; round <= 10; round++) {
                    long seen = one.read(a, tx -> tx.recentMark(inbox));
                    append(one, a, inbox, "x" + round);
                    String text = "u" + round;
                    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                    java.util.concurrent.Future<long[]> appender = threads.submit(() -> {
                        go.await();
                        return one.write(a, tx -> {
                            long uid = tx.append("INBOX", message(one, text)).uid();
                            return new long[] {uid, tx.claimRecent(inbox, seen, uid + 1)};
                        });
                    });
                    java.util.concurrent.Future<Long> other = threads.submit(() -> {
                        go.await();
                        return two.write(a, tx -> tx.claimRecent(inbox, seen, Long.MAX_VALUE));
                    });
                    go.countDown();
                    long u = appender.get()[0];
                    long appenderMark = appender.get()[1];
                    long otherMark = other.get();
                    boolean otherFirst = appenderMark == u && otherMark == seen; // X to the other, U to the appender
                    boolean appenderFirst = appenderMark == seen && otherMark == u + 1; // both to the appender
                    assertTrue(otherFirst || appenderFirst, "round " + round + ": X=" + (u - 1) + " U=" + u
                            + " seen=" + seen + ", the appender's claim from " + appenderMark + ", the other's from " + otherMark);
                    assertEquals(u + 1, (long) one.read(a, tx -> tx.recentMark(inbox)));
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    default void twoNodesClaimingAtOnceShareOutRecentMessages() throws Exception {
        claimRace("race@example.com", false);
    }

    @Test
    default void twoNodesClaimingFromTheSameSeenMarkShareOutRecentMessages() throws Exception {
        claimRace("race2@example.com", true);
    }

    /**
     * Two nodes claim the new message of each round at the same moment; with {@code fromSeenMark},
     * both read the mark first, as sessions do, and claim from it.
     */
    private void claimRace(String address, boolean fromSeenMark) throws Exception {
        try (MailStore one = newStore(); MailStore two = sameDatabase(one)) {
            long a = newAccount(one, address);
            long inbox = mailboxId(one, a, "INBOX");
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                for (int round = 1; round <= 10; round++) {
                    append(one, a, inbox, "m" + round);
                    long upTo = round + 1;
                    long seen = one.read(a, tx -> tx.recentMark(inbox)); // both sessions read it before either claims
                    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                    List<java.util.concurrent.Future<Long>> claims = new java.util.ArrayList<>();
                    for (MailStore node : List.of(one, two)) {
                        claims.add(threads.submit(() -> {
                            go.await();
                            return node.write(a, tx -> fromSeenMark ? tx.claimRecent(inbox, seen, upTo) : tx.claimRecent(inbox, upTo));
                        }));
                    }
                    go.countDown();
                    long got = (upTo - claims.get(0).get()) + (upTo - claims.get(1).get());
                    assertEquals(1, got, "round " + round + ": the new message went to exactly one claim");
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /**
     * Several nodes appending to one mailbox at once: every message gets its own UID and MODSEQ, the
     * UIDs are exactly 1..n (no gaps, no duplicates), and a message with a higher UID never has a
     * lower MODSEQ (UIDs are handed out in commit order, as IMAP clients assume).
     */
    @Test
    default void concurrentWritersOnTwoNodesNeverShareAUidOrAModSeq() throws Exception {
        int perThread = 15;
        try (MailStore one = newStore(); MailStore two = sameDatabase(one)) {
            long a = newAccount(one, "busy@example.com");
            long inbox = mailboxId(one, a, "INBOX");
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(6);
            try {
                java.util.List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    MailStore node = t % 2 == 0 ? one : two;
                    int thread = t;
                    work.add(threads.submit(() -> {
                        for (int i = 0; i < perThread; i++) append(node, a, inbox, "t" + thread + " m" + i);
                        return null;
                    }));
                }
                for (var w : work) w.get();
            } finally {
                threads.shutdownNow();
            }
            List<MessageMeta> all = one.read(a, tx -> tx.messages(inbox, 1, Long.MAX_VALUE, 1000));
            assertEquals(6 * perThread, all.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i).uid(), "UIDs 1..n without gaps");
                if (i > 0) assertTrue(all.get(i).modSeq() > all.get(i - 1).modSeq(), "MODSEQ rises with the UID at " + (i + 1));
            }
            assertEquals(all.getLast().modSeq(), mailbox(one, a, inbox).highestModSeq());
        }
    }

    /**
     * Two nodes copying between two mailboxes in opposite directions at once lock the mailboxes in
     * opposite orders: where the database detects a deadlock, the loser is run again, so every copy
     * succeeds and none is applied twice.
     */
    @Test
    default void crossingCopiesOnTwoNodesAllSucceedOnce() throws Exception {
        int rounds = 20;
        try (MailStore one = newStore(); MailStore two = sameDatabase(one)) {
            long a = newAccount(one, "crossing@example.com");
            long inbox = mailboxId(one, a, "INBOX");
            long other = one.write(a, tx -> tx.createMailbox("Other", Optional.empty()).id());
            append(one, a, inbox, "from inbox");
            append(one, a, other, "from other");
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var forth = threads.submit(() -> {
                    for (int i = 0; i < rounds; i++) one.write(a, tx -> tx.copy(inbox, new long[] {1}, other));
                    return null;
                });
                var back = threads.submit(() -> {
                    for (int i = 0; i < rounds; i++) two.write(a, tx -> tx.copy(other, new long[] {1}, inbox));
                    return null;
                });
                forth.get();
                back.get();
            } finally {
                threads.shutdownNow();
            }
            assertEquals(1 + rounds, one.read(a, tx -> tx.status(inbox)).messages());
            assertEquals(1 + rounds, one.read(a, tx -> tx.status(other)).messages());
        }
    }

    @Test
    default void statusCountsRecentFromAMarkNotYetStoredWhenItIsHigher() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "claimed@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, "1");
            append(store, a, inbox, "2");
            append(store, a, inbox, "3");
            assertEquals(3, store.read(a, tx -> tx.status(inbox, 0)).recent());
            assertEquals(1, store.read(a, tx -> tx.status(inbox, 3)).recent(), "UIDs 1 and 2 already claimed");
            assertEquals(3, store.read(a, tx -> tx.status(inbox, 3)).messages());
            store.write(a, tx -> tx.claimRecent(inbox));
            assertEquals(0, store.read(a, tx -> tx.status(inbox, 2)).recent(), "the stored mark is higher");
        }
    }

    @Test
    default void firstUnseenAndKeywordsInUse() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "kw@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            assertEquals(0L, (long) store.read(a, tx -> tx.firstUnseenUid(inbox)));
            append(store, a, inbox, message(store, "one", Flags.of(Flags.SEEN, List.of("$Forwarded"))));
            append(store, a, inbox, message(store, "two", Flags.of(0, List.of("Work", "$forwarded"))));
            append(store, a, inbox, "three");
            assertEquals(2L, (long) store.read(a, tx -> tx.firstUnseenUid(inbox)));
            List<String> kws = store.read(a, tx -> tx.keywordsInUse(inbox));
            assertEquals(2, kws.size());
            assertTrue(kws.contains("Work"));
            assertTrue(kws.stream().anyMatch(k -> k.equalsIgnoreCase("$Forwarded")));
        }
    }

    @Test
    default void uidsWithFlagAndPagedStructures() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "pages@example.com");
            long b = newAccount(store, "other@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, message(store, "one", Flags.ofSystem(Flags.DELETED)));
            append(store, a, inbox, message(store, "two", Flags.ofSystem(Flags.SEEN)));
            NewMessage plain = message(store, "three");
            append(store, a, inbox, new NewMessage(plain.blob(), plain.size(), Flags.ofSystem(Flags.DELETED), DATE, null));
            append(store, a, inbox, "four");
            assertArrayEquals(new long[] {1, 3}, store.read(a, tx -> tx.uidsWithFlag(inbox, Flags.DELETED)));
            assertArrayEquals(new long[] {2}, store.read(a, tx -> tx.uidsWithFlag(inbox, Flags.SEEN)));
            assertArrayEquals(new long[0], store.read(a, tx -> tx.uidsWithFlag(inbox, Flags.FLAGGED)));

            // the same window as messages(): UID 2 up, two rows; UID 3 has no stored structure
            var page = store.read(a, tx -> tx.structures(inbox, 2, Long.MAX_VALUE, 2));
            assertEquals(java.util.Set.of(2L), page.keySet());
            assertEquals("structure of two", new String(page.get(2L), StandardCharsets.UTF_8));
            assertEquals(java.util.Set.of(1L, 2L, 4L), store.read(a, tx -> tx.structures(inbox, 1, 10, 10)).keySet());
            assertThrows(RuntimeException.class, () -> store.read(b, tx -> tx.structures(inbox, 1, 10, 10)),
                    "another account's mailbox");
        }
    }

    @Test
    default void listedMessagesComeWithTheirStructuresInOneRead() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "listed@example.com");
            long b = newAccount(store, "other@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            for (String text : List.of("one", "two", "three", "four", "five")) append(store, a, inbox, text);
            NewMessage plain = message(store, "six");
            append(store, a, inbox, new NewMessage(plain.blob(), plain.size(), Flags.NONE, DATE, null));
            store.write(a, tx -> tx.copy(inbox, new long[] {2}, inbox)); // UID 7 shares UID 2's blob
            store.write(a, tx -> tx.expunge(inbox, new long[] {4}));

            long[] asked = {1, 2, 4, 6, 7, 9};
            for (int round = 0; round < 2; round++) { // the second time, a node may answer from memory
                List<StoredMessage> listed = store.readOne(a, tx -> tx.messages(inbox, asked, true));
                assertEquals(List.of(1L, 2L, 6L, 7L), listed.stream().map(m -> m.meta().uid()).toList(),
                        "4 was expunged, 9 never existed");
                assertEquals("structure of one", new String(listed.get(0).structure(), StandardCharsets.UTF_8));
                assertEquals("structure of two", new String(listed.get(1).structure(), StandardCharsets.UTF_8));
                assertNull(listed.get(2).structure(), "stored without one");
                assertEquals(listed.get(1).meta().blob(), listed.get(3).meta().blob());
                assertEquals("structure of two", new String(listed.get(3).structure(), StandardCharsets.UTF_8));
                assertEquals(store.read(a, tx -> tx.message(inbox, 6)).orElseThrow(), listed.get(2).meta());
            }
            List<StoredMessage> rowsOnly = store.read(a, tx -> tx.messages(inbox, new long[] {3, 5}, false));
            assertEquals(List.of(3L, 5L), rowsOnly.stream().map(m -> m.meta().uid()).toList());
            assertTrue(rowsOnly.stream().allMatch(m -> m.structure() == null));
            assertEquals(List.of(), store.readOne(a, tx -> tx.messages(inbox, new long[] {4, 8}, true)));
            assertEquals(List.of(), store.readOne(a, tx -> tx.messages(inbox, new long[0], true)));
            assertRefused(NONEXISTENT, () -> store.readOne(b, tx -> tx.messages(inbox, new long[] {1, 2}, true)));
            assertRefused(NONEXISTENT, () -> store.readOne(b, tx -> tx.messages(inbox, new long[] {4}, false)));
        }
    }

    @Test
    default void structureIsKeptWithTheBlobAndScopedToTheAccount() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long b = newAccount(store, "bob@example.com");
            NewMessage m = message(store, "parsed once");
            append(store, a, mailboxId(store, a, "INBOX"), m);
            assertEquals("structure of parsed once", new String(store.read(a, tx -> tx.structure(m.blob())), StandardCharsets.UTF_8));
            assertNull(store.read(b, tx -> tx.structure(m.blob())));
            NewMessage plain = message(store, "unparsed");
            NewMessage noStructure = new NewMessage(plain.blob(), plain.size(), Flags.NONE, DATE, null);
            append(store, a, mailboxId(store, a, "INBOX"), noStructure);
            assertNull(store.read(a, tx -> tx.structure(plain.blob())));
        }
    }

    @Test
    default void appendRefusesMissingOrMisdescribedBlobs() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            NewMessage missing = new NewMessage(new BlobId("0123456789abcdef0123456789abcdef"), 10, Flags.NONE, DATE, null);
            assertThrows(StoreException.class, () -> append(store, a, inbox, missing));
            NewMessage m = message(store, "12345");
            NewMessage wrongSize = new NewMessage(m.blob(), 4, Flags.NONE, DATE, null);
            assertThrows(IllegalArgumentException.class, () -> append(store, a, inbox, wrongSize));
            assertEquals(1, mailbox(store, a, inbox).uidNext());
            assertEquals(0, usedBytes(store, a));
        }
    }

    @Test
    default void blobsAreImmutableFilesWithPartialReads() throws Exception {
        try (MailStore store = newStore()) {
            BlobStore blobs = store.blobs();
            NewMessage m = message(store, "Subject: hi\r\n\r\nbody");
            assertTrue(blobs.exists(m.blob()));
            assertEquals(m.size(), blobs.size(m.blob()));
            try (var in = blobs.open(m.blob())) {
                assertEquals("Subject: hi\r\n\r\nbody", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            try (SeekableByteChannel ch = blobs.openChannel(m.blob())) {
                ByteBuffer buf = ByteBuffer.allocate(4);
                ch.position(15);
                ch.read(buf);
                assertEquals("body", new String(buf.array(), StandardCharsets.UTF_8));
            }
            BlobStore.BlobWriter w = blobs.create();
            w.stream().write(new byte[] {1, 2, 3});
            assertEquals(3, w.bytesWritten());
            w.close(); // without commit: discarded
            assertThrows(java.io.IOException.class, w::commit);
            blobs.delete(m.blob());
            assertFalse(blobs.exists(m.blob()));
            blobs.delete(m.blob()); // missing is fine
        }
    }
}
