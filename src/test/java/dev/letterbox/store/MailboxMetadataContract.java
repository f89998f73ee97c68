package dev.letterbox.store;

import static dev.letterbox.store.MailboxException.Reason.LIMIT;
import static dev.letterbox.store.MailboxException.Reason.NONEXISTENT;
import static dev.letterbox.store.StoreFixture.assertRefused;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.MailboxMetadata.Entry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@link MailboxMetadata} rules: entries per account and mailbox, limits, lifetime with the mailbox. */
public interface MailboxMetadataContract extends StoreFixture {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> names(List<Entry> entries) {
        return entries.stream().map(Entry::name).toList();
    }

    @Test
    default void entriesAreSetReplacedRemovedAndKeptApart() {
        try (MailStore store = newStore()) {
            MailboxMetadata md = store.metadata();
            long alice = newAccount(store, "alice@example.com");
            long bob = newAccount(store, "bob@example.com");
            long inbox = store.read(alice, tx -> tx.mailbox("INBOX")).orElseThrow().id();
            byte[] binary = {0, 1, (byte) 0xff, '\r', '\n'};
            md.set(alice, inbox, List.of(new Entry("/private/comment", b("mine")), new Entry("/shared/vendor/x", binary)), 10, 1000);
            md.set(alice, MailboxMetadata.SERVER, List.of(new Entry("/shared/admin", b("mailto:a@example.com"))), 10, 1000);
            assertEquals(List.of("/private/comment", "/shared/vendor/x"), names(md.list(alice, inbox)));
            assertArrayEquals(binary, md.list(alice, inbox).get(1).value());
            assertEquals(List.of("/shared/admin"), names(md.list(alice, MailboxMetadata.SERVER)));
            assertTrue(md.list(bob, MailboxMetadata.SERVER).isEmpty(), "the server's entries are per account");

            md.set(alice, inbox, List.of(new Entry("/private/comment", b("changed")), new Entry("/shared/vendor/x", null),
                    new Entry("/private/never-set", null)), 10, 1000);
            assertEquals(List.of("/private/comment"), names(md.list(alice, inbox)));
            assertArrayEquals(b("changed"), md.list(alice, inbox).get(0).value());

            assertRefused(NONEXISTENT, () -> md.list(bob, inbox));
            assertRefused(NONEXISTENT, () -> md.set(bob, inbox, List.of(new Entry("/private/x", b("y"))), 10, 1000));
            assertRefused(NONEXISTENT, () -> md.list(alice, 987654321L));
        }
    }

    /** NOTIFY's MailboxMetadataChange / ServerMetadataChange hear of a change here and on other nodes. */
    @Test
    default void aChangeIsAnnouncedOnThisNodeAndTheOthersAndAllListsEveryEntry() {
        try (MailStore store = newStore(); MailStore other = sameDatabase(store)) {
            MailboxMetadata md = store.metadata();
            long alice = newAccount(store, "alice@example.com");
            long inbox = store.read(alice, tx -> tx.mailbox("INBOX")).orElseThrow().id();
            var here = StoreFixture.listen(store, alice);
            var there = StoreFixture.listen(other, alice);
            md.set(alice, inbox, List.of(new Entry("/private/a", b("1"))), 10, 100);
            StoreFixture.awaitChange(here, new Change.Metadata(alice, inbox));
            StoreFixture.awaitChange(there, new Change.Metadata(alice, inbox));
            md.set(alice, MailboxMetadata.SERVER, List.of(new Entry("/shared/b", b("2"))), 10, 100);
            StoreFixture.awaitChange(there, new Change.Metadata(alice, MailboxMetadata.SERVER));
            List<String> all = md.all(alice).stream().map(l -> l.mailboxId() + " " + l.entry().name()).sorted().toList();
            assertEquals(List.of("0 /shared/b", inbox + " /private/a"), all);
        }
    }

    @Test
    default void limitsRefuseTheWholeChange() {
        try (MailStore store = newStore()) {
            MailboxMetadata md = store.metadata();
            long alice = newAccount(store, "alice@example.com");
            long inbox = store.read(alice, tx -> tx.mailbox("INBOX")).orElseThrow().id();
            md.set(alice, inbox, List.of(new Entry("/private/a", b("1")), new Entry("/private/b", b("2"))), 3, 10);
            md.set(alice, MailboxMetadata.SERVER, List.of(new Entry("/private/c", b("3"))), 3, 10);
            assertRefused(LIMIT, () -> md.set(alice, inbox, List.of(new Entry("/private/d", b("4"))), 3, 10));
            assertRefused(LIMIT, () -> md.set(alice, inbox, List.of(new Entry("/private/a", b("12345678901"))), 3, 10));
            // a refused change leaves nothing behind, not even its removals
            assertRefused(LIMIT, () -> md.set(alice, inbox, List.of(new Entry("/private/b", null), new Entry("/private/e", b("5")),
                    new Entry("/private/f", b("6"))), 3, 10));
            assertEquals(List.of("/private/a", "/private/b"), names(md.list(alice, inbox)));
            // replacing within the limits is fine
            md.set(alice, inbox, List.of(new Entry("/private/a", b("12345678"))), 3, 10);
        }
    }

    @Test
    default void entriesFollowRenameAndGoWithTheMailbox() {
        try (MailStore store = newStore()) {
            MailboxMetadata md = store.metadata();
            long alice = newAccount(store, "alice@example.com");
            long box = store.write(alice, tx -> tx.createMailbox("Projects", Optional.empty()).id());
            md.set(alice, box, List.of(new Entry("/private/comment", b("work"))), 10, 1000);
            store.write(alice, tx -> {
                tx.renameMailbox("Projects", "Archive/Projects");
                return null;
            });
            long renamed = store.read(alice, tx -> tx.mailbox("Archive/Projects")).orElseThrow().id();
            assertEquals(List.of("/private/comment"), names(md.list(alice, renamed)));
            store.write(alice, tx -> {
                tx.deleteMailbox(renamed);
                return null;
            });
            assertRefused(NONEXISTENT, () -> md.list(alice, renamed));
            long again = store.write(alice, tx -> tx.createMailbox("Archive/Projects", Optional.empty()).id());
            assertTrue(md.list(alice, again).isEmpty(), "a new mailbox of the same name starts without entries");
            // the count limit counts what is left: the deleted mailbox's entry no longer does
            md.set(alice, again, List.of(new Entry("/private/x", b("1"))), 1, 1000);
        }
    }
}
