package dev.letterbox.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;

import static dev.letterbox.store.MailboxException.Reason.NONEXISTENT;
import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.assertRefused;
import static dev.letterbox.store.StoreFixture.awaitChange;
import static dev.letterbox.store.StoreFixture.listen;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.message;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory mailbox index answers as the store does, whoever wrote: this node, or another one. */
public interface MailboxIndexContract extends StoreFixture {

    /** The index's messages, as the store's rows would show them (UID, MODSEQ, flags, date, size). */
    static List<String> indexed(MailboxIndex index) {
        List<String> out = new ArrayList<>();
        MailboxIndex.Page page = new MailboxIndex.Page(3); // small: paging is exercised too
        long from = 1;
        while (true) {
            index.read(from, Long.MAX_VALUE, page);
            for (int i = 0; i < page.count; i++) {
                out.add(page.uids[i] + " " + page.modSeqs[i] + " " + page.flags[i] + " " + page.internalDates[i]
                        + " " + page.sizes[i]);
            }
            if (page.count < page.capacity()) return out;
            from = page.uids[page.count - 1] + 1;
        }
    }

    static List<String> stored(MailStore store, long account, long mailbox) {
        List<String> out = new ArrayList<>();
        for (MessageMeta m : store.read(account, tx -> tx.messages(mailbox, 1, Long.MAX_VALUE, 10_000))) {
            out.add(m.uid() + " " + m.modSeq() + " " + m.flags() + " " + m.internalDate().toEpochMilli() + " " + m.size());
        }
        return out;
    }

    @Test
    default void theIndexFollowsThisNodesWritesAndSaysWhatChangedSince() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "index@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            long other = store.write(a, tx -> tx.createMailbox("Other", Optional.empty())).id();
            append(store, a, inbox, "one");
            append(store, a, other, "copied in later");
            try (MailboxIndex index = store.openIndex(a, inbox)) {
                List<Long> runs = new ArrayList<>();
                MailboxIndex.Summary s0 = index.summary((from, to) -> { runs.add(from); runs.add(to); });
                assertEquals(List.of(1L, 1L), runs);
                assertEquals(1, s0.messages());
                assertEquals(1, s0.unseen());
                assertEquals(1, s0.firstUnseenUid());
                long known = s0.highestModSeq();

                append(store, a, inbox, message(store, "two", Flags.parse(List.of("\\Seen", "$Label2"))));
                append(store, a, inbox, "three");
                store.write(a, tx -> tx.storeFlags(inbox, new long[] {1}, FlagUpdate.Mode.ADD,
                        Flags.parse(List.of("\\Flagged", "$Work")), OptionalLong.empty()));
                store.write(a, tx -> tx.storeFlags(inbox, new long[] {3}, FlagUpdate.Mode.ADD,
                        Flags.ofSystem(Flags.DELETED), OptionalLong.empty()));
                store.write(a, tx -> tx.expunge(inbox, new long[] {3}));
                store.write(a, tx -> tx.copy(other, new long[] {1}, inbox));
                assertEquals(stored(store, a, inbox), indexed(index));

                MailboxIndex.Changes c = index.changesSince(known, 1);
                assertEquals((long) store.read(a, tx -> tx.mailbox(inbox).orElseThrow().highestModSeq()), c.highestModSeq());
                assertArrayEquals(new long[] {3}, c.expunged());
                assertArrayEquals(new long[] {2, 4}, c.added());
                assertEquals(1, c.changed().size());
                assertEquals(Flags.parse(List.of("\\Flagged", "$Work")), c.changed().getFirst().flags());
                assertTrue(index.changesSince(c.highestModSeq(), 4).none());

                MailboxIndex.Summary s = index.summary((from, to) -> { });
                assertEquals(3, s.messages());
                assertEquals(5, s.uidNext());
                assertEquals(List.of("$Label2", "$Work"), s.keywords());
                assertArrayEquals(new long[0], index.uidsWithFlag(Flags.DELETED));
                assertArrayEquals(new long[] {2}, index.uidsWithFlag(Flags.SEEN));
                assertArrayEquals(new long[] {1, 4}, index.uidsWithoutFlag(Flags.SEEN));
                assertArrayEquals(new long[] {2, 4}, index.uidsWithoutFlag(Flags.FLAGGED));
            }
        }
    }

    @Test
    default void anotherAccountCannotOpenTheIndexAndADeletedMailboxIsGone() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "owner@example.com");
            long b = newAccount(store, "intruder@example.com");
            long box = store.write(a, tx -> tx.createMailbox("Box", Optional.empty())).id();
            append(store, a, box, "private");
            assertRefused(NONEXISTENT, () -> store.openIndex(b, box));
            try (MailboxIndex index = store.openIndex(a, box)) {
                assertRefused(NONEXISTENT, () -> store.openIndex(b, box)); // also while it is open
                store.write(a, tx -> {
                    tx.deleteMailbox(box);
                    return null;
                });
                assertTrue(index.changesSince(0, 0).gone());
                assertTrue(index.summary((from, to) -> { }).gone());
            }
            assertRefused(NONEXISTENT, () -> store.openIndex(a, box));
        }
    }

    @Test
    default void anotherNodesWritesReachTheIndexOnceAnnounced() throws Exception {
        try (MailStore store = newStore(); MailStore other = sameDatabase(store)) {
            long a = newAccount(store, "nodes@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            append(store, a, inbox, "one");
            try (MailboxIndex index = store.openIndex(a, inbox)) {
                long known = index.summary((from, to) -> { }).highestModSeq();
                BlockingQueue<Change> heard = listen(store, a);
                append(other, a, inbox, "from the other node");
                other.write(a, tx -> tx.storeFlags(inbox, new long[] {1}, FlagUpdate.Mode.ADD,
                        Flags.ofSystem(Flags.SEEN), OptionalLong.empty()));
                awaitChange(heard, new Change.MailboxContent(a, inbox));
                MailboxIndex.Changes c = index.changesSince(known, 1);
                assertArrayEquals(new long[] {2}, c.added());
                assertEquals(1, c.changed().size());
                assertTrue(c.changed().getFirst().flags().has(Flags.SEEN));
                assertEquals(stored(store, a, inbox), indexed(index));

                // the other node expunges, then this node writes: the gap between MODSEQs is noticed at
                // once, whether or not the announcement has arrived yet
                other.write(a, tx -> tx.expunge(inbox, new long[] {1}));
                append(store, a, inbox, "local");
                assertEquals(stored(store, a, inbox), indexed(index));
                MailboxIndex.Changes after = index.changesSince(c.highestModSeq(), 2);
                assertNotNull(after.expunged());
                assertArrayEquals(new long[] {1}, after.expunged());
                assertArrayEquals(new long[] {3}, after.added());

                long gone = other.write(a, tx -> tx.createMailbox("Gone soon", Optional.empty())).id();
                other.write(a, tx -> {
                    tx.deleteMailbox(gone);
                    return null;
                });
                assertFalse(index.changesSince(0, 0).gone(), "another mailbox's deletion leaves this one");
            }
        }
    }
}
