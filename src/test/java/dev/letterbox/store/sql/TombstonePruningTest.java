package dev.letterbox.store.sql;

import dev.letterbox.store.MailStore;
import dev.letterbox.store.StoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expunge tombstones pruned: the mailbox remembers up to which MODSEQ it forgot. */
class TombstonePruningTest {
    @TempDir
    Path dir;

    @Test
    void prunedTombstonesRaiseTheHorizonAndNewerOnesStay() {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir.resolve("data"))) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            for (int i = 0; i < 4; i++) append(store, a, inbox, "m" + i);
            store.write(a, tx -> tx.expunge(inbox, new long[] {2}));
            long afterFirst = StoreFixture.mailbox(store, a, inbox).highestModSeq();
            assertEquals(0, (long) store.read(a, tx -> tx.vanishedHorizon(inbox)), "nothing forgotten yet");

            assertEquals(1, store.pruneTombstones(Instant.now().plusSeconds(1)));
            store.write(a, tx -> tx.expunge(inbox, new long[] {3}));

            assertEquals(afterFirst, (long) store.read(a, tx -> tx.vanishedHorizon(inbox)));
            assertArrayEquals(new long[] {3}, store.read(a, tx -> tx.expungedSince(inbox, 0)),
                    "the newer tombstone stays; the older one is covered by the horizon");
            assertEquals(0, store.pruneTombstones(Instant.now().minusSeconds(3600)), "young ones are kept");
        }
    }

    @Test
    void aMailboxWithoutPrunedTombstonesKeepsHorizonZero() {
        try (MailStore store = SqlMailStore.openSqlite(dir.resolve("other"))) {
            long a = newAccount(store, "bob@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            assertEquals(0, (long) store.read(a, tx -> tx.vanishedHorizon(inbox)));
        }
    }
}
