package dev.letterbox.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.letterbox.store.MailboxException.Reason.ALREADY_EXISTS;
import static dev.letterbox.store.MailboxException.Reason.INVALID_NAME;
import static dev.letterbox.store.MailboxException.Reason.NONEXISTENT;
import static dev.letterbox.store.MailboxException.Reason.NOT_ALLOWED;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mailbox lifecycle: create, delete, rename, subscribe, names (RFC 3501 §6.3). */
public interface MailboxContract extends StoreFixture {

    private static List<String> names(MailStore store, long account) {
        return store.read(account, tx -> tx.mailboxes().stream().map(Mailbox::name).toList());
    }

    private static Mailbox create(MailStore store, long account, String name) {
        return store.write(account, tx -> tx.createMailbox(name, Optional.empty()));
    }

    @Test
    default void createMakesMissingParentsAndRefusesDuplicates() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            Mailbox c = create(store, a, "Lists/letterbox/dev");
            assertEquals("Lists/letterbox/dev", c.name());
            assertEquals(1, c.uidNext());
            assertTrue(c.highestModSeq() >= 1);
            assertTrue(names(store, a).containsAll(List.of("Lists", "Lists/letterbox", "Lists/letterbox/dev")));
            assertRefused(ALREADY_EXISTS, () -> create(store, a, "Lists/letterbox"));
            assertRefused(ALREADY_EXISTS, () -> create(store, a, "inbox"));
            create(store, a, "lists"); // other names are case-sensitive
            Mailbox special = store.write(a, tx -> tx.createMailbox("Flagged", Optional.of(SpecialUse.FLAGGED)));
            assertEquals(Optional.of(SpecialUse.FLAGGED), special.specialUse());
            assertEquals(special.id(), store.read(a, tx -> tx.mailboxWithUse(SpecialUse.FLAGGED)).orElseThrow().id());
        }
    }

    @Test
    default void inboxIsCaseInsensitiveAndAlwaysSpelledInbox() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            assertEquals(inbox, mailboxId(store, a, "iNbOx"));
            assertEquals("INBOX/Receipts", create(store, a, "inbox/Receipts").name());
            assertTrue(store.read(a, tx -> tx.mailbox("Inbox/Receipts")).isPresent());
            assertTrue(store.read(a, tx -> tx.mailbox("ınbox")).isEmpty(), "dotless ı is not i");
        }
    }

    @Test
    default void badNamesAreRefused() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            for (String bad : List.of("", "/a", "a/", "a//b", "/", "a\u0001b", "tab\tname", "del\u007f",
                    "x".repeat(256), "é".repeat(128))) {
                assertRefused(INVALID_NAME, () -> create(store, a, bad));
            }
            assertEquals("x".repeat(255), create(store, a, "x".repeat(255)).name());
            assertEquals("Ünïcødé ✓/日本", create(store, a, "Ünïcødé ✓/日本").name());
            assertTrue(store.read(a, tx -> tx.mailbox("a//b")).isEmpty());
        }
    }

    @Test
    default void dotLevelsAreRefusedInNewNames() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            create(store, a, "Work");
            for (String bad : List.of(".", "..", "../bob@example.com/INBOX/evil", "a/./b", "a/..", "INBOX/..")) {
                assertRefused(INVALID_NAME, () -> create(store, a, bad));
                assertRefused(INVALID_NAME, () -> store.write(a, tx -> { tx.renameMailbox("Work", bad); return null; }));
            }
            assertEquals(List.of(), store.read(a, tx -> tx.mailboxes().stream().map(Mailbox::name)
                    .filter(n -> n.contains(".")).toList()), "nothing was made, not even a parent");
            assertEquals("...", create(store, a, "...").name(), "three dots are a name like any other");
            assertEquals("a.b/.hidden", create(store, a, "a.b/.hidden").name());
        }
    }

    @Test
    default void deleteRemovesMessagesFreesQuotaAndKeepsChildren() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            Mailbox parent = create(store, a, "Projects");
            create(store, a, "Projects/Old");
            NewMessage m = message(store, "12345");
            append(store, a, parent.id(), m);
            append(store, a, mailboxId(store, a, "INBOX"), "1234567");
            store.write(a, tx -> { tx.setSubscribed("Projects", true); return null; });
            assertEquals(12, usedBytes(store, a));

            store.write(a, tx -> { tx.deleteMailbox(parent.id()); return null; });

            assertEquals(7, usedBytes(store, a));
            StoreFixture.awaitBlobGone(store, m.blob());
            assertTrue(names(store, a).contains("Projects/Old"));
            assertFalse(names(store, a).contains("Projects"));
            assertTrue(store.read(a, ReadTx::subscriptions).contains("Projects"), "RFC 3501: DELETE keeps subscriptions");
            assertRefused(NONEXISTENT, () -> store.read(a, tx -> tx.status(parent.id())));
            assertRefused(NONEXISTENT, () -> store.read(a, tx -> tx.uids(parent.id())));
            assertRefused(NONEXISTENT, () -> store.read(a, tx -> tx.messages(parent.id(), 1, Long.MAX_VALUE, 10)));
            assertRefused(NONEXISTENT, () -> store.write(a, tx -> { tx.deleteMailbox(parent.id()); return null; }));
            long inbox = mailboxId(store, a, "INBOX");
            assertRefused(NOT_ALLOWED, () -> store.write(a, tx -> { tx.deleteMailbox(inbox); return null; }));
        }
    }

    @Test
    default void uidValidityIsNeverHandedOutTwice() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long b = newAccount(store, "bob@example.com");
            List<Long> seen = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Mailbox m = create(store, i % 2 == 0 ? a : b, "Again");
                seen.add(m.uidValidity());
                long acct = i % 2 == 0 ? a : b;
                store.write(acct, tx -> { tx.deleteMailbox(m.id()); return null; });
            }
            for (int i = 1; i < seen.size(); i++) assertTrue(seen.get(i) > seen.get(i - 1), seen.toString());
            assertTrue(seen.getLast() <= 0xFFFF_FFFFL);
        }
    }

    @Test
    default void renameMovesChildrenAndSubscriptionsAndKeepsMessages() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            Mailbox work = create(store, a, "Work");
            create(store, a, "Work/2023/Q1");
            create(store, a, "Workshop");
            append(store, a, work.id(), "hello");
            store.write(a, tx -> { tx.setSubscribed("Work/2023", true); return null; });

            store.write(a, tx -> { tx.renameMailbox("Work", "Archive/Job"); return null; });

            List<String> names = names(store, a);
            assertTrue(names.containsAll(List.of("Archive/Job", "Archive/Job/2023", "Archive/Job/2023/Q1", "Workshop")), names.toString());
            assertFalse(names.contains("Work"));
            Mailbox moved = mailbox(store, a, work.id());
            assertEquals("Archive/Job", moved.name());
            assertEquals(work.uidValidity(), moved.uidValidity());
            assertEquals(1L, (long) store.read(a, tx -> tx.status(work.id()).messages()));
            assertEquals(List.of("Archive/Job/2023"),
                    store.read(a, tx -> tx.subscriptions().stream().filter(s -> s.contains("2023")).toList()));

            assertRefused(ALREADY_EXISTS, () -> store.write(a, tx -> { tx.renameMailbox("Workshop", "Archive/Job"); return null; }));
            assertRefused(ALREADY_EXISTS, () -> store.write(a, tx -> { tx.renameMailbox("Workshop", "inbox"); return null; }));
            assertRefused(NONEXISTENT, () -> store.write(a, tx -> { tx.renameMailbox("Work", "Elsewhere"); return null; }));
            assertRefused(NOT_ALLOWED, () -> store.write(a, tx -> { tx.renameMailbox("Workshop", "Workshop/Inner"); return null; }));
            assertRefused(INVALID_NAME, () -> store.write(a, tx -> { tx.renameMailbox("Workshop", "bad/"); return null; }));
        }
    }

    @Test
    default void renamingInboxMovesItsMessagesAndLeavesItEmpty() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            Mailbox before = mailbox(store, a, inbox);
            create(store, a, "INBOX/Child");
            append(store, a, inbox, message(store, "first", Flags.ofSystem(Flags.SEEN)));
            append(store, a, inbox, "second");

            store.write(a, tx -> { tx.renameMailbox("inbox", "Old Mail"); return null; });

            MailboxStatus emptied = store.read(a, tx -> tx.status(inbox));
            assertEquals(0, emptied.messages());
            assertEquals(before.uidValidity(), emptied.uidValidity(), "INBOX itself stays");
            assertEquals(3, emptied.uidNext(), "UIDs are not reused");
            assertArrayEquals(new long[] {1, 2}, store.read(a, tx -> tx.expungedSince(inbox, before.highestModSeq())));
            long old = mailboxId(store, a, "Old Mail");
            List<MessageMeta> moved = store.read(a, tx -> tx.messages(old, 1, Long.MAX_VALUE, 10));
            assertEquals(2, moved.size());
            assertTrue(moved.getFirst().flags().has(Flags.SEEN));
            assertTrue(names(store, a).contains("INBOX/Child"), "children of INBOX are unaffected");
        }
    }

    @Test
    default void subscriptionsNeedNotExist() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            store.write(a, tx -> {
                tx.setSubscribed("Not/There", true);
                tx.setSubscribed("Not/There", true);
                tx.setSubscribed("Trash", false);
                tx.setSubscribed("Never", false);
                return null;
            });
            List<String> subs = store.read(a, ReadTx::subscriptions);
            assertTrue(subs.contains("Not/There"));
            assertFalse(subs.contains("Trash"));
            assertEquals(subs.stream().sorted().toList(), subs);
            assertRefused(INVALID_NAME, () -> store.write(a, tx -> { tx.setSubscribed("a//b", true); return null; }));
        }
    }
}
