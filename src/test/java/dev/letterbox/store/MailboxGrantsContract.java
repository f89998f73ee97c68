package dev.letterbox.store;

import static dev.letterbox.store.MailboxException.Reason.NONEXISTENT;
import static dev.letterbox.store.MailboxException.Reason.NOT_ALLOWED;
import static dev.letterbox.store.MailboxException.Reason.NOT_FOUND;
import static dev.letterbox.store.StoreFixture.assertRefused;
import static dev.letterbox.store.StoreFixture.awaitChange;
import static dev.letterbox.store.StoreFixture.listen;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.MailboxGrants.Grant;
import dev.letterbox.store.MailboxGrants.Shared;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

/** The {@link MailboxGrants} rules: grants per mailbox and grantee, following renames, gone with the mailbox. */
public interface MailboxGrantsContract extends StoreFixture {

    /** Three accounts, and the first one's mailbox "Team". */
    record People(long alice, long bob, long carol, long team) {
        static People in(MailStore store) {
            long alice = newAccount(store, "alice@example.com");
            long team = store.write(alice, tx -> tx.createMailbox("Team", Optional.empty())).id();
            return new People(alice, newAccount(store, "bob@example.com"), newAccount(store, "carol@example.com"), team);
        }
    }

    private static Rights rights(String letters) {
        return Rights.parse(letters).orElseThrow();
    }

    @Test
    default void grantsAreSetReplacedListedAndRemoved() {
        try (MailStore store = newStore()) {
            MailboxGrants grants = store.grants();
            People p = People.in(store);
            long alice = p.alice(), bob = p.bob(), carol = p.carol(), team = p.team();
            long inbox = mailboxId(store, alice, "INBOX");
            BlockingQueue<Change> bobsChanges = listen(store, bob);

            grants.set(alice, team, carol, rights("lr"));
            grants.set(alice, team, bob, rights("lrs"));
            awaitChange(bobsChanges, new Change.MailboxList(bob));
            grants.set(alice, inbox, bob, rights("l"));
            grants.set(alice, team, bob, rights("lrswi")); // replaces

            assertEquals(List.of("bob@example.com lrswi", "carol@example.com lr"),
                    grants.grants(alice, team).stream().map(g -> g.grantee() + " " + g.rights()).toList());
            assertEquals(List.of("INBOX bob@example.com l", "Team bob@example.com lrswi", "Team carol@example.com lr"),
                    grants.grantsBy(alice).stream().map(g -> g.mailbox().name() + " " + g.grantee() + " " + g.rights()).toList());
            List<Shared> bobs = grants.sharedWith(bob);
            assertEquals(List.of("INBOX l", "Team lrswi"), bobs.stream().map(s -> s.mailbox().name() + " " + s.rights()).toList());
            assertEquals(alice, bobs.get(0).ownerId());
            assertEquals("alice@example.com", bobs.get(0).owner());
            assertEquals(rights("lrswi"), grants.rights(team, bob));
            assertEquals(Rights.NONE, grants.rights(team, alice), "the owner has no grant row");
            assertTrue(grants.sharedWith(alice).isEmpty());

            grants.set(alice, team, bob, Rights.NONE);
            assertEquals(Rights.NONE, grants.rights(team, bob));
            assertEquals(List.of("carol@example.com"), grants.grants(alice, team).stream().map(Grant::grantee).toList());
        }
    }

    @Test
    default void grantsAreRefusedForOthersMailboxesUnknownGranteesAndTheOwner() {
        try (MailStore store = newStore()) {
            MailboxGrants grants = store.grants();
            long alice = newAccount(store, "alice@example.com");
            long bob = newAccount(store, "bob@example.com");
            long bobsInbox = mailboxId(store, bob, "INBOX");
            long alicesInbox = mailboxId(store, alice, "INBOX");
            assertRefused(NONEXISTENT, () -> grants.set(alice, bobsInbox, bob, rights("l")));
            assertRefused(NOT_FOUND, () -> grants.set(alice, alicesInbox, 987654, rights("l")));
            assertRefused(NOT_ALLOWED, () -> grants.set(alice, alicesInbox, alice, rights("l")));
            assertTrue(grants.grantsBy(alice).isEmpty());
            assertTrue(grants.grantsBy(bob).isEmpty());
        }
    }

    @Test
    default void grantsFollowRenamesAndGoWithTheMailboxOrEitherAccount() {
        try (MailStore store = newStore()) {
            MailboxGrants grants = store.grants();
            People p = People.in(store);
            long alice = p.alice(), bob = p.bob(), carol = p.carol(), team = p.team();
            long other = store.write(alice, tx -> tx.createMailbox("Other", Optional.empty())).id();
            grants.set(alice, team, bob, rights("lr"));
            grants.set(alice, other, bob, rights("lr"));
            grants.set(alice, other, carol, rights("lr"));
            store.write(alice, tx -> {
                tx.renameMailbox("Team", "Projects/Team");
                return null;
            });
            assertEquals(List.of("Other", "Projects/Team"),
                    grants.sharedWith(bob).stream().map(s -> s.mailbox().name()).toList());

            store.write(alice, tx -> {
                tx.deleteMailbox(team);
                return null;
            });
            assertEquals(List.of("Other"), grants.sharedWith(bob).stream().map(s -> s.mailbox().name()).toList());

            store.directory().removeAccount(bob);
            assertEquals(List.of("carol@example.com"), grants.grantsBy(alice).stream().map(Grant::grantee).toList());
            store.directory().removeAccount(alice);
            assertTrue(grants.sharedWith(carol).isEmpty());
        }
    }

    @Test
    default void seenIsKeptPerGranteeAndGoesWithTheMailbox() {
        try (MailStore store = newStore()) {
            MailboxGrants grants = store.grants();
            People p = People.in(store);
            long alice = p.alice(), bob = p.bob(), carol = p.carol(), team = p.team();
            for (int i = 0; i < 3; i++) StoreFixture.append(store, alice, team, StoreFixture.message(store, "m" + i));
            grants.setSeen(alice, team, bob, new long[] {3, 1, 99}, true); // 99: no such message
            grants.setSeen(alice, team, carol, new long[] {2}, true);
            assertArrayEquals(new long[] {1, 3}, grants.seenBy(team, bob));
            assertArrayEquals(new long[] {2}, grants.seenBy(team, carol));
            grants.setSeen(alice, team, bob, new long[] {1}, false);
            assertArrayEquals(new long[] {3}, grants.seenBy(team, bob));
            assertEquals(0, store.read(alice, tx -> tx.status(team)).messages() - 3, "the messages themselves are untouched");
            assertEquals(3, store.read(alice, tx -> tx.status(team)).unseen());
            assertRefused(NONEXISTENT, () -> grants.setSeen(bob, team, carol, new long[] {1}, true));

            store.directory().removeAccount(carol);
            store.write(alice, tx -> {
                tx.deleteMailbox(team);
                return null;
            });
            assertArrayEquals(new long[0], grants.seenBy(team, bob));
        }
    }

    /** RFC 4314 §2 "anyone", Dovecot's "authenticated" and "$domain": a member's rights are its own and its groups' together. */
    @Test
    default void groupGrantsAddUpWithTheMembersOwnAndGoWithTheMailbox() {
        try (MailStore store = newStore()) {
            MailboxGrants grants = store.grants();
            People p = People.in(store);
            long alice = p.alice(), bob = p.bob(), team = p.team();
            long stranger = newAccount(store, "dave@elsewhere.test");
            grants.setGroup(alice, team, "anyone", rights("l"));
            grants.setGroup(alice, team, "$example.com", rights("r"));
            grants.set(alice, team, bob, rights("s"));

            assertEquals(rights("lrs"), grants.rights(team, bob));
            assertEquals(rights("l"), grants.rights(team, stranger), "not of example.com");
            assertEquals(List.of("Team lrs"), grants.sharedWith(bob).stream().map(s -> s.mailbox().name() + " " + s.rights()).toList());
            assertEquals(List.of("Team l"), grants.sharedWith(stranger).stream().map(s -> s.mailbox().name() + " " + s.rights()).toList());
            assertTrue(grants.sharedWith(alice).isEmpty(), "the owner's own mailboxes are not shared with it");
            for (long who : new long[] {bob, stranger, alice}) { // a session's own account at hand: the same answer
                var account = store.directory().account(who).orElseThrow();
                assertEquals(grants.sharedWith(who), grants.sharedWith(account), account.address());
            }
            assertEquals(List.of("$example.com r 0", "anyone l 0", "bob@example.com s " + bob),
                    grants.grants(alice, team).stream().map(g -> g.grantee() + " " + g.rights() + " " + g.granteeId()).toList());
            assertRefused(NOT_FOUND, () -> grants.setGroup(alice, team, "bob@example.com", rights("l")));
            assertRefused(NONEXISTENT, () -> grants.setGroup(bob, team, "anyone", rights("l")));

            grants.setGroup(alice, team, "anyone", Rights.NONE);
            assertEquals(Rights.NONE, grants.rights(team, stranger));
            store.write(alice, tx -> {
                tx.deleteMailbox(team);
                return null;
            });
            assertTrue(grants.grantsBy(alice).isEmpty());
            assertTrue(grants.sharedWith(bob).isEmpty());
        }
    }

    /** A grantee's \Seen changes are announced to the grantee alone (its other sessions show them). */
    @Test
    default void privateSeenChangesAreAnnouncedToTheGranteeOnly() {
        try (MailStore store = newStore()) {
            People p = People.in(store);
            StoreFixture.append(store, p.alice(), p.team(), StoreFixture.message(store, "m"));
            BlockingQueue<Change> bobs = listen(store, p.bob()), alices = listen(store, p.alice());
            store.grants().setSeen(p.alice(), p.team(), p.bob(), new long[] {1}, true);
            awaitChange(bobs, new Change.PrivateFlags(p.bob(), p.team()));
            assertTrue(alices.stream().noneMatch(c -> c instanceof Change.PrivateFlags), "not the owner's");
        }
    }

    @Test
    default void sendAsIsGrantedListedTakenAwayAndGoesWithEitherAccount() {
        try (MailStore store = newStore()) {
            MailboxGrants grants = store.grants();
            long team = newAccount(store, "team@example.com");
            long bob = newAccount(store, "bob@example.com");
            long carol = newAccount(store, "carol@example.com");
            grants.setSendAs(team, carol, true);
            grants.setSendAs(team, bob, true);
            grants.setSendAs(team, bob, true); // twice is once
            grants.setSendAs(carol, bob, true);
            assertEquals(List.of("bob@example.com", "carol@example.com"),
                    grants.sendAsGrantees(team).stream().map(Account::address).toList());
            assertEquals(List.of("carol@example.com", "team@example.com"),
                    grants.sendAsOwners(bob).stream().map(Account::address).toList());
            assertRefused(NOT_ALLOWED, () -> grants.setSendAs(bob, bob, true));
            assertRefused(NOT_FOUND, () -> grants.setSendAs(team, 987654, true));

            grants.setSendAs(team, bob, false);
            assertEquals(List.of("carol@example.com"), grants.sendAsOwners(bob).stream().map(Account::address).toList());
            store.directory().removeAccount(carol);
            assertTrue(grants.sendAsOwners(bob).isEmpty());
            assertTrue(grants.sendAsGrantees(team).isEmpty());
        }
    }

    @Test
    default void rightsParseInCanonicalOrderAndReadObsoleteLetters() {
        assertEquals("lrswipkxtea", rights("aetxkpiwsrl").toString());
        assertEquals("kxte", rights("cd").toString());
        assertTrue(Rights.parse("lrz").isEmpty());
        assertEquals("", Rights.parse("").orElseThrow().toString());
        assertEquals(Rights.ALL, rights(Rights.LETTERS));
    }
}
