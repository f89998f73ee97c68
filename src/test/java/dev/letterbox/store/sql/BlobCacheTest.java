package dev.letterbox.store.sql;

import dev.letterbox.config.Config;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.StoredMessage;
import dev.letterbox.testing.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** This node's memory of blob structures and small bodies: bounded by bytes, and what it saves. */
class BlobCacheTest {
    @TempDir
    Path dir;

    private static byte[] bytes(int n) {
        return new byte[n];
    }

    @Test
    void theLeastRecentlyUsedGoFirstOnceTheBudgetIsFull() {
        BlobCache cache = new BlobCache(4 * 10_000); // 30,000 bytes for contents, 10,000 for structures
        for (int i = 0; i < 10; i++) cache.putContent("blob" + i, bytes(2_000)); // 2,130 bytes each, counted
        cache.content("blob0"); // used again: now the most recent
        for (int i = 10; i < 20; i++) cache.putContent("blob" + i, bytes(2_000));
        assertTrue(cache.bytesHeld() <= 30_000 && cache.bytesHeld() > 25_000, "held " + cache.bytesHeld());
        assertEquals(2_000, cache.content("blob0").length, "used lately, so kept");
        assertTrue(cache.content("blob1") == null, "the least recently used went first");
        assertEquals(2_000, cache.content("blob19").length);

        cache.putContent("huge", bytes(5_000)); // over an eighth of the contents' budget
        assertTrue(cache.content("huge") == null, "one entry never takes over the cache");

        cache.putStructure("plain", null);
        assertSame(BlobCache.NO_STRUCTURE, cache.structure("plain"), "known to have none, unlike unknown");
        assertNull(cache.structure("unknown"));
    }

    @Test
    void structuresAndSmallBodiesAreReadOnceOnSqlite() throws Exception {
        Path data = dir.resolve("data");
        try (SqlMailStore store = SqlMailStore.openSqlite(data); SqlMailStore other = SqlMailStore.openSqlite(data)) {
            readsOnce(store, other);
        }
    }

    @Test
    void structuresAndSmallBodiesAreReadOnceOnPostgresql() throws Exception {
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL,
                Optional.of(PostgresServer.shared().newDatabase()), Optional.empty(), 4, Config.Store.Blobs.FILES,
                dir.resolve("blobs"));
        try (SqlMailStore store = StoreFactory.postgresql(config, Duration.ofMillis(50));
             SqlMailStore other = StoreFactory.postgresql(config, Duration.ofMillis(50))) {
            readsOnce(store, other);
        }
    }

    /**
     * The node that stored the messages knows their structures and bodies without a read (clients
     * fetch what was just stored); another node, sharing the database, reads each once: its second
     * FETCH-like read asks the database for the rows only.
     */
    private static void readsOnce(SqlMailStore store, SqlMailStore other) throws Exception {
        long a = newAccount(store, "cached@example.com");
        long inbox = mailboxId(store, a, "INBOX");
        for (String text : List.of("one", "two", "three")) append(store, a, inbox, text);
        long[] uids = {1, 2, 3};

        BlobCache own = ((SqlBlobStore) store.blobs()).cache();
        for (StoredMessage m : store.readOne(a, tx -> tx.messages(inbox, uids, true))) {
            assertEquals("structure of " + new String(body(store, m.meta().blob()), StandardCharsets.UTF_8),
                    new String(m.structure(), StandardCharsets.UTF_8));
        }
        assertEquals(0, own.hitsAndMisses()[1], "the storing node read no structure and no body");
        assertEquals(6, own.hitsAndMisses()[0]);

        BlobCache cache = ((SqlBlobStore) other.blobs()).cache();
        List<StoredMessage> first = other.readOne(a, tx -> tx.messages(inbox, uids, true));
        for (StoredMessage m : first) body(other, m.meta().blob());
        long[] before = cache.hitsAndMisses();
        assertEquals(6, before[1], "three structures and three bodies, each read from the database once");

        List<StoredMessage> again = other.readOne(a, tx -> tx.messages(inbox, uids, true));
        for (StoredMessage m : again) {
            assertEquals("structure of " + new String(body(other, m.meta().blob()), StandardCharsets.UTF_8),
                    new String(m.structure(), StandardCharsets.UTF_8));
        }
        long[] after = cache.hitsAndMisses();
        assertEquals(before[1], after[1], "no miss the second time");
        assertEquals(before[0] + 6, after[0]);
        assertArrayEquals("one".getBytes(StandardCharsets.UTF_8), body(other, first.getFirst().meta().blob()));
    }

    private static byte[] body(MailStore store, BlobId blob) throws Exception {
        try (InputStream in = store.blobs().open(blob)) {
            return in.readAllBytes();
        }
    }
}
