package dev.letterbox.store;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;

import static dev.letterbox.store.MailboxException.Reason.DUPLICATE;
import static dev.letterbox.store.MailboxException.Reason.NOT_ALLOWED;
import static dev.letterbox.store.MailboxException.Reason.NOT_FOUND;
import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.assertRefused;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.message;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@link DirectoryStore} rules: domains, accounts, aliases. */
public interface DirectoryContract extends StoreFixture {

    @Test
    default void domainsAreLowerCaseUniqueAndOrdered() {
        try (MailStore store = newStore()) {
            DirectoryStore dir = store.directory();
            Domain d = dir.addDomain("Example.COM");
            assertEquals("example.com", d.name());
            dir.addDomain("a.example");
            assertEquals(Optional.of(d), dir.domain("EXAMPLE.com"));
            assertEquals(List.of("a.example", "example.com"), dir.domains().stream().map(Domain::name).toList());
            assertRefused(DUPLICATE, () -> dir.addDomain("example.com"));
            assertTrue(dir.domain("other.example").isEmpty());
        }
    }

    @Test
    default void removeDomainIsRefusedWhileItHasAccountsAndTakesItsAliases() {
        try (MailStore store = newStore()) {
            DirectoryStore dir = store.directory();
            long id = newAccount(store, "alice@example.com");
            dir.addAlias("@example.com", "alice@example.com");
            dir.addAlias("info@example.com", "bob@elsewhere.example");
            assertRefused(NOT_ALLOWED, () -> dir.removeDomain("example.com"));
            dir.removeAccount(id);
            dir.removeDomain("EXAMPLE.com");
            assertTrue(dir.domain("example.com").isEmpty());
            assertTrue(dir.aliases(Optional.empty()).isEmpty());
            assertRefused(NOT_FOUND, () -> dir.removeDomain("example.com"));
        }
    }

    @Test
    default void lookupNamesTheHostedDomainAndTheAccountOfAnAddress() {
        try (MailStore store = newStore()) {
            DirectoryStore dir = store.directory();
            long id = newAccount(store, "alice@example.com");
            dir.addDomain("other.example");
            dir.addAlias("info@example.com", "alice@example.com");
            AddressLookup alice = dir.lookup("Alice@Example.COM");
            assertTrue(alice.domainHosted());
            assertEquals(dir.account(id), alice.account());
            AddressLookup nobody = new AddressLookup(true, Optional.empty());
            assertEquals(nobody, dir.lookup("info@example.com"), "an alias is no account");
            assertEquals(nobody, dir.lookup("bob@example.com"));
            assertEquals(nobody, dir.lookup("alice@other.example"), "the account of another domain");
            assertEquals(AddressLookup.NOT_HOSTED, dir.lookup("alice@elsewhere.example"));
            assertEquals(AddressLookup.NOT_HOSTED, dir.lookup("no-domain"));
            dir.removeAccount(id);
            assertEquals(nobody, dir.lookup("alice@example.com"));
            dir.removeDomain("example.com");
            assertEquals(AddressLookup.NOT_HOSTED, dir.lookup("alice@example.com"));
        }
    }

    @Test
    default void addAccountCreatesTheStandardMailboxesAtomically() {
        try (MailStore store = newStore()) {
            store.directory().addDomain("example.com");
            Account a = store.directory().addAccount("Alice@Example.com", "h1", 5000, EnumSet.of(Protocol.IMAP));
            assertEquals("alice@example.com", a.address());
            assertEquals(5000, a.quotaBytes());
            assertEquals(0, a.usedBytes());
            assertEquals(EnumSet.of(Protocol.IMAP), a.protocols());
            assertTrue(a.enabled());
            assertTrue(a.allows(Protocol.IMAP));
            assertFalse(a.allows(Protocol.POP3));
            store.read(a.id(), tx -> {
                assertEquals(List.of("Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"),
                        tx.mailboxes().stream().map(Mailbox::name).toList());
                assertEquals(Optional.empty(), tx.mailbox("INBOX").orElseThrow().specialUse());
                assertEquals("Sent", tx.mailboxWithUse(SpecialUse.SENT).orElseThrow().name());
                assertEquals("Drafts", tx.mailboxWithUse(SpecialUse.DRAFTS).orElseThrow().name());
                assertEquals("Trash", tx.mailboxWithUse(SpecialUse.TRASH).orElseThrow().name());
                assertEquals("Junk", tx.mailboxWithUse(SpecialUse.JUNK).orElseThrow().name());
                assertEquals("Archive", tx.mailboxWithUse(SpecialUse.ARCHIVE).orElseThrow().name());
                assertTrue(tx.subscriptions().containsAll(List.of("INBOX", "Sent", "Trash")));
                assertEquals(a.address(), tx.account().address());
                return null;
            });
        }
    }

    @Test
    default void addAccountNeedsAHostedDomainAndAFreeAddress() {
        try (MailStore store = newStore()) {
            DirectoryStore dir = store.directory();
            assertRefused(NOT_FOUND, () -> dir.addAccount("a@nowhere.example", "h", 0, Protocol.all()));
            assertTrue(dir.account("a@nowhere.example").isEmpty());
            newAccount(store, "a@example.com");
            assertRefused(DUPLICATE, () -> dir.addAccount("A@EXAMPLE.COM", "h", 0, Protocol.all()));
            assertEquals(1, dir.accounts(Optional.empty()).size());
        }
    }

    @Test
    default void accountsAreFoundByAddressIdAndDomain() {
        try (MailStore store = newStore()) {
            DirectoryStore dir = store.directory();
            long c = newAccount(store, "carol@example.com");
            long a = newAccount(store, "alice@example.com");
            long b = newAccount(store, "bob@other.example");
            assertEquals(a, dir.account("ALICE@example.com").orElseThrow().id());
            assertEquals("bob@other.example", dir.account(b).orElseThrow().address());
            assertEquals(List.of(a, b, c), dir.accounts(Optional.empty()).stream().map(Account::id).toList());
            assertEquals(List.of(a, c), dir.accounts(Optional.of("example.com")).stream().map(Account::id).toList());
            assertTrue(dir.accounts(Optional.of("unknown.example")).isEmpty());
            assertTrue(dir.account(999_999).isEmpty());
        }
    }

    @Test
    default void accountSettingsChangeAndAreAnnounced() {
        try (MailStore store = newStore()) {
            DirectoryStore dir = store.directory();
            long id = newAccount(store, "alice@example.com");
            BlockingQueue<Change> changes = StoreFixture.listen(store, id);
            assertEquals(Optional.of("$test$hash"), dir.passwordHash(id));
            dir.setPasswordHash(id, "$new$hash");
            assertEquals(Optional.of("$new$hash"), dir.passwordHash(id));
            StoreFixture.awaitChange(changes, new Change.AccountChanged(id));
            dir.setEnabled(id, false);
            dir.setQuota(id, 1234);
            dir.setProtocols(id, EnumSet.of(Protocol.POP3, Protocol.SMTP));
            Account a = dir.account(id).orElseThrow();
            assertFalse(a.enabled());
            assertFalse(a.allows(Protocol.POP3));
            assertEquals(1234, a.quotaBytes());
            assertEquals(EnumSet.of(Protocol.POP3, Protocol.SMTP), a.protocols());
            assertRefused(NOT_FOUND, () -> dir.setEnabled(999_999, true));
            assertRefused(NOT_FOUND, () -> dir.setPasswordHash(999_999, "x"));
            assertTrue(dir.passwordHash(999_999).isEmpty());
        }
    }

    @Test
    default void removeAccountFreesBlobsOnlyItReferred() throws Exception {
        try (MailStore store = newStore()) {
            long alice = newAccount(store, "alice@example.com");
            long bob = newAccount(store, "bob@example.com");
            NewMessage shared = message(store, "one delivery for two people");
            NewMessage own = message(store, "only for alice");
            append(store, alice, mailboxId(store, alice, "INBOX"), shared);
            append(store, alice, mailboxId(store, alice, "Archive"), own);
            append(store, bob, mailboxId(store, bob, "INBOX"), shared);
            BlockingQueue<Change> changes = StoreFixture.listen(store, alice);

            store.directory().removeAccount(alice);

            StoreFixture.awaitChange(changes, new Change.AccountChanged(alice));
            assertTrue(store.directory().account(alice).isEmpty());
            StoreFixture.awaitBlobGone(store, own.blob());
            assertTrue(store.blobs().exists(shared.blob()), "bob still has the shared blob");
            assertEquals(1L, (long) store.read(bob, tx -> tx.status(tx.mailbox("INBOX").orElseThrow().id()).messages()));
            assertRefused(NOT_FOUND, () -> store.directory().removeAccount(alice));
        }
    }

    @Test
    default void aliasesHaveSeveralTargetsAndCatchAlls() {
        try (MailStore store = newStore()) {
            DirectoryStore dir = store.directory();
            dir.addDomain("example.com");
            dir.addDomain("other.example");
            dir.addAlias("Sales@example.com", "bob@example.com");
            dir.addAlias("sales@example.com", "alice@example.com");
            dir.addAlias("@example.com", "postmaster@example.com");
            dir.addAlias("x@other.example", "y@remote.example");
            assertRefused(DUPLICATE, () -> dir.addAlias("sales@example.com", "bob@example.com"));
            assertRefused(NOT_FOUND, () -> dir.addAlias("a@unhosted.example", "b@example.com"));

            Alias sales = dir.alias("sales@example.com").orElseThrow();
            assertEquals(List.of("alice@example.com", "bob@example.com"), sales.targets());
            assertTrue(dir.alias("@example.com").orElseThrow().isCatchAll());
            assertEquals(List.of("@example.com", "sales@example.com"),
                    dir.aliases(Optional.of("example.com")).stream().map(Alias::address).toList());
            assertEquals(3, dir.aliases(Optional.empty()).size());

            dir.removeAlias("sales@example.com", Optional.of("bob@example.com"));
            assertEquals(List.of("alice@example.com"), dir.alias("sales@example.com").orElseThrow().targets());
            dir.removeAlias("sales@example.com", Optional.empty());
            assertTrue(dir.alias("sales@example.com").isEmpty());
            assertRefused(NOT_FOUND, () -> dir.removeAlias("sales@example.com", Optional.empty()));
        }
    }

    @Test
    default void anAccountForwardsToOneTargetReplacedBySettingAgainAndGoneWithTheAccount() {
        try (MailStore store = newStore()) {
            DirectoryStore dir = store.directory();
            long alice = newAccount(store, "alice@example.com");
            long bob = newAccount(store, "bob@example.com");
            assertTrue(dir.forwarding(alice).isEmpty());
            dir.setForwarding(alice, "alice@elsewhere.example", true);
            assertEquals(Optional.of(new AccountForwarding("alice@example.com", "alice@elsewhere.example", true)),
                    dir.forwarding(alice));
            dir.setForwarding(alice, "a2@elsewhere.example", false);
            assertEquals(Optional.of(new AccountForwarding("alice@example.com", "a2@elsewhere.example", false)),
                    dir.forwarding(alice), "setting again replaces");
            dir.setForwarding(bob, "bob@other.example", true);
            assertEquals(List.of("alice@example.com", "bob@example.com"),
                    dir.forwardings(Optional.empty()).stream().map(AccountForwarding::address).toList());
            assertEquals(2, dir.forwardings(Optional.of("EXAMPLE.com")).size());
            assertTrue(dir.forwardings(Optional.of("other.example")).isEmpty());
            assertRefused(NOT_FOUND, () -> dir.setForwarding(999_999, "x@elsewhere.example", true));

            dir.removeForwarding(bob);
            assertTrue(dir.forwarding(bob).isEmpty());
            assertRefused(NOT_FOUND, () -> dir.removeForwarding(bob));
            dir.removeAccount(alice);
            assertTrue(dir.forwardings(Optional.empty()).isEmpty(), "removing the account removes its forwarding");
        }
    }
}
