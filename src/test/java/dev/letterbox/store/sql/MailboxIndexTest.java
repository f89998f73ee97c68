package dev.letterbox.store.sql;

import dev.letterbox.store.FlagUpdate;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailboxIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index's data structure, and what it costs to keep it exact. */
class MailboxIndexTest {
    @TempDir
    Path dir;

    private static IndexDelta delta(long modSeq, IndexDelta.Op... ops) {
        return new IndexDelta(1, 1, modSeq, List.of(ops));
    }

    @Test
    void deltasChangeTheArraysAndTheLogSaysWhatChangedSince() {
        IndexedMessages m = new IndexedMessages(7, 1, 1);
        m.apply(delta(2, new IndexDelta.Added(1, Flags.NONE, 1000, 10), new IndexDelta.Added(2, Flags.NONE, 2000, 20)));
        m.apply(delta(3, new IndexDelta.Added(3, Flags.ofSystem(Flags.SEEN), 3000, 30)));
        m.apply(delta(4, new IndexDelta.FlagsSet(1, Flags.parse(List.of("$A", "\\Deleted")))));
        m.apply(delta(5, new IndexDelta.Expunged(1), new IndexDelta.Added(4, Flags.NONE, 4000, 40)));
        assertEquals(3, m.size());
        assertEquals(5, m.uidNext);
        assertEquals(5, m.highestModSeq);

        MailboxIndex.Changes c = m.changesSince(3, 3);
        assertArrayEquals(new long[] {1}, c.expunged());
        assertArrayEquals(new long[] {4}, c.added());
        assertTrue(c.changed().isEmpty(), "message 1 changed, then went: only its expunge is news");

        MailboxIndex.Changes fromStart = m.changesSince(1, 0);
        assertArrayEquals(new long[] {2, 3, 4}, fromStart.added());

        MailboxIndex.Page page = new MailboxIndex.Page(10);
        m.read(2, 3, page);
        assertEquals(2, page.count);
        assertEquals(3, page.uids[1]);
        assertEquals(3000, page.internalDates[1]);
        assertEquals(30, page.sizes[1]);
        assertEquals(Flags.ofSystem(Flags.SEEN), page.flags[1]);
        MailboxIndex.Summary s = m.summary((from, to) -> { });
        assertEquals(2, s.unseen());
        assertEquals(2, s.firstUnseenUid());
        assertEquals(List.of(), s.keywords(), "the only message with $A is gone");
    }

    @Test
    void aSessionFurtherBehindThanTheLogComparesUids() {
        IndexedMessages m = new IndexedMessages(7, 1, 1);
        long modSeq = 1;
        for (long uid = 1; uid <= 10; uid++) m.apply(delta(++modSeq, new IndexDelta.Added(uid, Flags.NONE, 0, 1)));
        long known = m.highestModSeq;
        m.apply(delta(++modSeq, new IndexDelta.Expunged(5)));
        for (int i = 0; i < IndexedMessages.LOG_MAX; i++) {
            m.apply(delta(++modSeq, new IndexDelta.FlagsSet(1 + i % 3, Flags.ofSystem(i % 2 == 0 ? Flags.SEEN : 0))));
        }
        MailboxIndex.Changes c = m.changesSince(known, 10);
        assertNull(c.expunged(), "forgotten: the caller compares its UIDs with these");
        assertArrayEquals(new long[] {1, 2, 3, 4, 6, 7, 8, 9, 10}, c.uidsNow());
        assertEquals(3, c.changed().size());
        MailboxIndex.Changes recent = m.changesSince(modSeq - 1, 10);
        assertEquals(1, recent.changed().size(), "a caller within the log's reach gets just the news");
    }

    @Test
    void aMillionMessagesFitTheBudget() {
        int n = 1_000_000;
        IndexedMessages m = new IndexedMessages(7, 1, 1);
        m.reserve(n);
        List<Flags> some = List.of(Flags.NONE, Flags.ofSystem(Flags.SEEN), Flags.parse(List.of("\\Seen", "$Label1")));
        for (int uid = 1; uid <= n; uid++) m.put(uid, uid + 1, some.get(uid % 3), 1_700_000_000_000L + uid, 5000);
        m.highestModSeq = n + 1;
        assertEquals(n, m.size());
        long bytes = m.bytesUsed();
        assertTrue(bytes <= (long) n * IndexedMessages.BYTES_PER_MESSAGE + 1_000_000,
                "a million messages take " + bytes + " bytes");
        assertTrue(bytes < 64L << 20, "well inside a 256 MiB heap");
        MailboxIndex.Summary s = m.summary((from, to) -> { });
        assertEquals(n / 3, s.unseen());
        assertEquals(List.of("$Label1"), s.keywords());
    }

    @Test
    void thisNodesOwnWritesNeverMakeTheIndexReadTheStore() {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir)) {
            long a = newAccount(store, "own@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, "first");
            try (MailboxIndex index = store.openIndex(a, inbox); MailboxIndex second = store.openIndex(a, inbox)) {
                assertEquals(1, store.openIndexes(), "one index, shared by its holders");
                index.summary((from, to) -> { });
                for (int i = 0; i < 20; i++) {
                    append(store, a, inbox, "more " + i);
                    store.write(a, tx -> tx.storeFlags(inbox, new long[] {1}, FlagUpdate.Mode.REPLACE,
                            Flags.ofSystem(Flags.FLAGGED), OptionalLong.empty()));
                    second.changesSince(0, 0);
                }
                store.write(a, tx -> tx.expunge(inbox, new long[] {2, 3}));
                assertEquals(19, index.summary((from, to) -> { }).messages());
                assertEquals(1, store.indexStoreReads(inbox), "built once, never re-read");
                second.close();
                second.close(); // twice: released once
                assertEquals(1, store.openIndexes());
            }
            assertEquals(1, store.openIndexes(), "kept a while after its last holder let go");
            append(store, a, inbox, "while nobody holds it");
            try (MailboxIndex again = store.openIndex(a, inbox)) {
                assertEquals(20, again.summary((from, to) -> { }).messages());
                assertEquals(1, store.indexStoreReads(inbox), "taken again as it was kept: no read");
            }
        }
    }
}
