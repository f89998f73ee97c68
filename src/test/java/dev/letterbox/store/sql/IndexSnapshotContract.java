package dev.letterbox.store.sql;

import dev.letterbox.store.FlagState;
import dev.letterbox.store.FlagUpdate;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailboxIndex;
import dev.letterbox.store.MessageMeta;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.message;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Index snapshots on a backend: written when the store closes, read by the next store on the same
 * database and brought up to date with what was written meanwhile; refused (and the index built from
 * the rows) whenever the database cannot vouch for them. Every case checks the index against the
 * rows, so a snapshot served when it should not be fails the test.
 */
interface IndexSnapshotContract {
    /** A new, empty store of the backend, snapshots for every mailbox ({@link SqlMailStore#indexSnapshotsFrom}). */
    SqlMailStore newStore();

    /** Another store (a process started later) on {@code store}'s database, same snapshot directory and threshold. */
    SqlMailStore reopen(SqlMailStore store);

    /** Where the stores keep their snapshots. */
    Path snapshots();

    /** One mailbox, its first store, and its HIGHESTMODSEQ and UIDNEXT when that store closed. */
    record Box(SqlMailStore store, long account, long mailbox, Path file, long modSeq, long uidNext) {}

    /** A mailbox of 40 messages with flags and keywords, some expunged, whose snapshot the closed store wrote. */
    private Box closedWithSnapshot() {
        SqlMailStore store = newStore();
        long a = newAccount(store, "snap@example.com");
        long inbox = mailboxId(store, a, "INBOX");
        for (int i = 0; i < 40; i++) {
            Flags f = i % 3 == 0 ? Flags.ofSystem(Flags.SEEN) : i % 7 == 0 ? Flags.parse(List.of("$Work", "\\Flagged")) : Flags.NONE;
            append(store, a, inbox, message(store, "message " + i, f));
        }
        store.write(a, tx -> tx.expunge(inbox, new long[] {2, 3, 20}));
        try (MailboxIndex index = store.openIndex(a, inbox)) {
            index.summary((from, to) -> { });
        }
        var closing = store.read(a, tx -> tx.mailbox(inbox).orElseThrow());
        store.close();
        Path file = new IndexSnapshots(snapshots()).file(a, inbox);
        assertTrue(Files.isRegularFile(file), "written when the store closed");
        return new Box(store, a, inbox, file, closing.highestModSeq(), closing.uidNext());
    }

    /** Changes the mailbox as another process would while the server is down: no index is open. */
    private static void changeWhileDown(SqlMailStore store, long a, long inbox) {
        append(store, a, inbox, message(store, "arrived while down", Flags.parse(List.of("$New"))));
        store.write(a, tx -> tx.storeFlags(inbox, new long[] {1, 5}, FlagUpdate.Mode.ADD, Flags.ofSystem(Flags.DELETED),
                OptionalLong.empty()));
        store.write(a, tx -> tx.storeFlags(inbox, new long[] {4}, FlagUpdate.Mode.REPLACE, Flags.parse(List.of("$Other")),
                OptionalLong.empty()));
        store.write(a, tx -> tx.expunge(inbox, new long[] {6, 7}));
    }

    /** The index as the rows have it: every message's UID, MODSEQ, flags, date and size, and SELECT's figures. */
    private static void assertExact(SqlMailStore store, long a, long inbox) {
        List<MessageMeta> rows = store.read(a, tx -> tx.messages(inbox, 1, Long.MAX_VALUE, 10_000));
        var mailbox = store.read(a, tx -> tx.mailbox(inbox).orElseThrow());
        try (MailboxIndex index = store.openIndex(a, inbox)) {
            MailboxIndex.Summary s = index.summary((from, to) -> { });
            assertEquals(rows.size(), s.messages());
            assertEquals(rows.stream().filter(m -> !m.flags().has(Flags.SEEN)).count(), s.unseen());
            assertEquals(mailbox.highestModSeq(), s.highestModSeq());
            assertEquals(mailbox.uidNext(), s.uidNext());
            assertEquals(mailbox.uidValidity(), s.uidValidity());
            MailboxIndex.Page page = new MailboxIndex.Page(1000);
            index.read(1, Long.MAX_VALUE, page);
            List<String> got = new ArrayList<>(), expected = new ArrayList<>();
            for (int i = 0; i < page.count; i++) {
                got.add(page.uids[i] + " " + page.modSeqs[i] + " " + page.flags[i] + " " + page.internalDates[i] + " " + page.sizes[i]);
            }
            for (MessageMeta m : rows) {
                expected.add(m.uid() + " " + m.modSeq() + " " + m.flags() + " " + m.internalDate().toEpochMilli() + " " + m.size());
            }
            assertEquals(expected, got);
        }
    }

    @Test
    default void aSnapshotIsReadAndBroughtUpToDateWithWhatWasWrittenMeanwhile() {
        Box box = closedWithSnapshot();
        try (SqlMailStore again = reopen(box.store())) {
            changeWhileDown(again, box.account(), box.mailbox());
            assertExact(again, box.account(), box.mailbox());
            assertTrue(again.indexFromSnapshot(box.mailbox()), "read from the snapshot, not the rows");
            assertEquals(1, again.indexStoreReads(box.mailbox()));
            try (MailboxIndex index = again.openIndex(box.account(), box.mailbox())) {
                // a client that synced before the stop hears of exactly what changed meanwhile (QRESYNC)
                MailboxIndex.Changes c = index.changesSince(box.modSeq(), box.uidNext() - 1);
                assertArrayEquals(new long[] {6, 7}, c.expunged());
                assertArrayEquals(new long[] {box.uidNext()}, c.added());
                assertEquals(List.of(1L, 4L, 5L), c.changed().stream().map(FlagState::uid).toList());
            }
        }
        try (SqlMailStore third = reopen(box.store())) {
            assertExact(third, box.account(), box.mailbox()); // the second store wrote its own at close
            assertTrue(third.indexFromSnapshot(box.mailbox()));
        }
    }

    @Test
    default void aSnapshotAheadOfTheDatabaseIsRefused() throws IOException {
        Box box = closedWithSnapshot();
        patchLong(box.file(), 40, 1_000_000); // HIGHESTMODSEQ: as if the database were an older copy
        refused(box, store -> { });
    }

    @Test
    default void aSnapshotWhoseExpungesSinceArePrunedIsRefused() throws IOException {
        Box box = closedWithSnapshot();
        refused(box, store -> {
            store.write(box.account(), tx -> tx.expunge(box.mailbox(), new long[] {8, 9}));
            assertTrue(store.pruneTombstones(Instant.now().plusSeconds(1)) > 0);
        });
    }

    @Test
    default void aSnapshotOfAnotherUidValidityIsRefused() throws IOException {
        Box box = closedWithSnapshot();
        patchLong(box.file(), 24, 12345);
        refused(box, store -> changeWhileDown(store, box.account(), box.mailbox()));
    }

    @Test
    default void aCorruptSnapshotIsRefused() throws IOException {
        Box box = closedWithSnapshot();
        try (RandomAccessFile f = new RandomAccessFile(box.file().toFile(), "rw")) {
            long at = f.length() - 40; // in the sizes array: still a plausible file, but not the one written
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
        refused(box, store -> { });
    }

    @Test
    default void aTruncatedSnapshotIsRefused() throws IOException {
        Box box = closedWithSnapshot();
        try (RandomAccessFile f = new RandomAccessFile(box.file().toFile(), "rw")) {
            f.setLength(f.length() - 9);
        }
        refused(box, store -> { });
        Files.write(box.file(), new byte[3]); // shorter than a header
        refused(box, store -> { });
    }

    /** After {@code meanwhile}, the next store builds the index from the rows, exact, and drops the file. */
    private void refused(Box box, java.util.function.Consumer<SqlMailStore> meanwhile) {
        try (SqlMailStore again = reopen(box.store())) {
            meanwhile.accept(again);
            assertExact(again, box.account(), box.mailbox());
            assertFalse(again.indexFromSnapshot(box.mailbox()), "built from the rows");
        }
    }

    /** Replaces the little-endian long at {@code offset} and fixes the checksum, as a well-formed file with that stamp. */
    private static void patchLong(Path file, int offset, long value) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(offset, value);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        b.putInt(bytes.length - 4, (int) crc.getValue());
        Files.write(file, bytes);
    }
}
