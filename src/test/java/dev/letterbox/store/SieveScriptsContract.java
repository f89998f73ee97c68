package dev.letterbox.store;

import static dev.letterbox.store.MailboxException.Reason.ALREADY_EXISTS;
import static dev.letterbox.store.MailboxException.Reason.LIMIT;
import static dev.letterbox.store.MailboxException.Reason.NONEXISTENT;
import static dev.letterbox.store.MailboxException.Reason.NOT_ALLOWED;
import static dev.letterbox.store.MailboxException.Reason.NOT_FOUND;
import static dev.letterbox.store.StoreFixture.assertRefused;
import static dev.letterbox.store.StoreFixture.awaitChange;
import static dev.letterbox.store.StoreFixture.listen;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.SieveScripts.Listed;
import dev.letterbox.store.SieveScripts.Script;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The {@link SieveScripts} rules: names per account, one active script at most, the count limit. */
public interface SieveScriptsContract extends StoreFixture {
    int MAX = 5;

    @Test
    default void scriptsAreStoredReplacedAndListedByName() {
        try (MailStore store = newStore()) {
            SieveScripts scripts = store.sieveScripts();
            long alice = newAccount(store, "alice@example.com");
            long bob = newAccount(store, "bob@example.com");
            assertTrue(scripts.list(alice).isEmpty());
            assertTrue(scripts.put(alice, "vacation", "keep;", MAX));
            assertTrue(scripts.put(alice, "Spam filter ✓", "discard;", MAX));
            assertTrue(scripts.put(alice, "spam filter ✓", "stop;", MAX), "names are case-sensitive");
            assertFalse(scripts.put(alice, "vacation", "vacation \"away\";", MAX), "same name: replaced");
            assertEquals(List.of(new Listed("Spam filter ✓", false), new Listed("spam filter ✓", false),
                    new Listed("vacation", false)), scripts.list(alice));
            assertEquals(Optional.of(new Script("vacation", "vacation \"away\";", false)), scripts.get(alice, "vacation"));
            assertEquals("stop;", scripts.get(alice, "spam filter ✓").orElseThrow().content());
            assertTrue(scripts.get(alice, "VACATION").isEmpty());
            assertTrue(scripts.list(bob).isEmpty(), "bob sees none of alice's");
            assertTrue(scripts.get(bob, "vacation").isEmpty());
            assertRefused(NONEXISTENT, () -> scripts.delete(bob, "vacation"));
        }
    }

    @Test
    default void oneScriptIsActiveAtMost() {
        try (MailStore store = newStore()) {
            SieveScripts scripts = store.sieveScripts();
            long alice = newAccount(store, "alice@example.com");
            scripts.put(alice, "a", "keep;", MAX);
            scripts.put(alice, "b", "discard;", MAX);
            assertTrue(scripts.active(alice).isEmpty());
            scripts.setActive(alice, Optional.of("a"));
            assertEquals(Optional.of(new Script("a", "keep;", true)), scripts.active(alice));
            scripts.setActive(alice, Optional.of("b"));
            assertEquals(List.of(new Listed("a", false), new Listed("b", true)), scripts.list(alice));
            scripts.setActive(alice, Optional.of("b")); // again: nothing changes
            assertEquals("b", scripts.active(alice).orElseThrow().name());
            assertRefused(NONEXISTENT, () -> scripts.setActive(alice, Optional.of("c")));
            assertEquals("b", scripts.active(alice).orElseThrow().name(), "a refused SETACTIVE leaves the active one");
            assertFalse(scripts.put(alice, "b", "stop;", MAX));
            assertEquals(Optional.of(new Script("b", "stop;", true)), scripts.active(alice), "replacing keeps it active");
            scripts.setActive(alice, Optional.empty());
            assertTrue(scripts.active(alice).isEmpty());
            assertTrue(scripts.list(alice).stream().noneMatch(Listed::active));
        }
    }

    @Test
    default void theActiveScriptCannotBeDeletedAndRenamingKeepsItActive() {
        try (MailStore store = newStore()) {
            SieveScripts scripts = store.sieveScripts();
            long alice = newAccount(store, "alice@example.com");
            scripts.put(alice, "main", "keep;", MAX);
            scripts.put(alice, "old", "discard;", MAX);
            scripts.setActive(alice, Optional.of("main"));
            assertRefused(NOT_ALLOWED, () -> scripts.delete(alice, "main"));
            assertRefused(ALREADY_EXISTS, () -> scripts.rename(alice, "main", "old"));
            assertRefused(NONEXISTENT, () -> scripts.rename(alice, "missing", "new"));
            scripts.rename(alice, "main", "Main 2");
            assertEquals(Optional.of(new Script("Main 2", "keep;", true)), scripts.active(alice));
            assertTrue(scripts.get(alice, "main").isEmpty());
            scripts.delete(alice, "old");
            assertRefused(NONEXISTENT, () -> scripts.delete(alice, "old"));
            assertEquals(List.of(new Listed("Main 2", true)), scripts.list(alice));
        }
    }

    @Test
    default void theScriptCountIsLimitedButReplacingIsNotCounted() {
        try (MailStore store = newStore()) {
            SieveScripts scripts = store.sieveScripts();
            long alice = newAccount(store, "alice@example.com");
            for (int i = 0; i < 3; i++) scripts.put(alice, "s" + i, "keep;", 3);
            assertRefused(LIMIT, () -> scripts.put(alice, "s3", "keep;", 3));
            assertFalse(scripts.put(alice, "s2", "discard;", 3), "a replacement fits");
            scripts.delete(alice, "s0");
            assertTrue(scripts.put(alice, "s3", "keep;", 3), "room again after a delete");
            assertEquals(3, scripts.list(alice).size());
        }
    }

    @Test
    default void sessionsUploadingAtOnceStayWithinTheCount() throws Exception {
        try (MailStore a = newStore(); MailStore b = sameDatabase(a)) {
            long alice = newAccount(a, "alice@example.com");
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> puts = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    MailStore node = i % 2 == 0 ? a : b;
                    String name = "s" + i;
                    puts.add(threads.submit(() -> {
                        start.await();
                        try {
                            return node.sieveScripts().put(alice, name, "keep;", 3);
                        } catch (MailboxException e) {
                            assertEquals(LIMIT, e.reason());
                            return false;
                        }
                    }));
                }
                start.countDown();
                int created = 0;
                for (Future<Boolean> f : puts) if (f.get()) created++;
                assertEquals(3, created);
                assertEquals(3, a.sieveScripts().list(alice).size());
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    default void changesAreAnnouncedAndRemovingTheAccountTakesItsScripts() {
        try (MailStore store = newStore()) {
            SieveScripts scripts = store.sieveScripts();
            long alice = newAccount(store, "alice@example.com");
            BlockingQueue<Change> changes = listen(store, alice);
            scripts.put(alice, "a", "keep;", MAX);
            awaitChange(changes, new Change.SieveScripts(alice));
            scripts.setActive(alice, Optional.of("a"));
            awaitChange(changes, new Change.SieveScripts(alice));
            store.directory().removeAccount(alice);
            awaitChange(changes, new Change.SieveScripts(alice));
            assertTrue(scripts.list(alice).isEmpty());
            assertTrue(scripts.active(alice).isEmpty());
            assertRefused(NOT_FOUND, () -> scripts.put(alice, "b", "keep;", MAX));
            assertRefused(NOT_FOUND, () -> scripts.put(424242, "b", "keep;", MAX));
        }
    }

    @Test
    default void anotherNodeHearsOfScriptChanges() {
        try (MailStore a = newStore(); MailStore b = sameDatabase(a)) {
            long alice = newAccount(a, "alice@example.com");
            BlockingQueue<Change> onB = listen(b, alice);
            a.sieveScripts().put(alice, "a", "keep;", MAX);
            awaitChange(onB, new Change.SieveScripts(alice));
            assertEquals("keep;", b.sieveScripts().get(alice, "a").orElseThrow().content());
        }
    }
}
