package dev.letterbox.store;

import static dev.letterbox.store.MailboxException.Reason.DUPLICATE;
import static dev.letterbox.store.MailboxException.Reason.NOT_FOUND;
import static dev.letterbox.store.StoreFixture.assertRefused;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

/** The credential rules of {@link DirectoryStore}: SCRAM salt and keys, app passwords, the app-password switch. */
public interface CredentialsContract extends StoreFixture {

    private static ScramKeys keys(int seed) {
        byte[] a = new byte[32], b = new byte[32];
        java.util.Arrays.fill(a, (byte) seed);
        java.util.Arrays.fill(b, (byte) (seed + 1));
        return new ScramKeys(a, b);
    }

    @Test
    default void theScramSaltIsSetOnceAndThePasswordKeysFollowThePassword() {
        try (MailStore store = newStore()) {
            DirectoryStore dir = store.directory();
            long id = newAccount(store, "alice@example.com");
            assertTrue(dir.scram(id).isEmpty());
            byte[] salt = {1, 2, 3, 4};
            AccountScram first = dir.ensureScramSalt(id, salt, 4096);
            assertArrayEquals(salt, first.salt());
            assertEquals(4096, first.iterations());
            assertTrue(first.password().isEmpty());
            AccountScram again = dir.ensureScramSalt(id, new byte[] {9, 9}, 10_000);
            assertArrayEquals(salt, again.salt(), "a salt, once made, stays: app passwords' keys depend on it");
            assertEquals(4096, again.iterations());

            dir.setPassword(id, "$hash$one", keys(1));
            assertEquals(Optional.of("$hash$one"), dir.passwordHash(id));
            assertArrayEquals(keys(1).storedKey(), dir.scram(id).orElseThrow().password().orElseThrow().storedKey());
            dir.addPasswordScramKeys(id, "$hash$other", keys(5));
            assertArrayEquals(keys(1).storedKey(), dir.scram(id).orElseThrow().password().orElseThrow().storedKey(),
                    "keys for a hash that is no longer the password's are not stored");
            dir.setPasswordHash(id, "$hash$two");
            assertTrue(dir.scram(id).orElseThrow().password().isEmpty(), "a bare hash change drops the old password's keys");
            dir.addPasswordScramKeys(id, "$hash$two", keys(7));
            assertArrayEquals(keys(7).serverKey(), dir.scram(id).orElseThrow().password().orElseThrow().serverKey());
            assertRefused(NOT_FOUND, () -> dir.ensureScramSalt(id + 1000, salt, 4096));
        }
    }

    @Test
    default void appPasswordsAreAddedListedUsedAndRevokedWithAnAnnouncement() throws Exception {
        try (MailStore store = newStore()) {
            DirectoryStore dir = store.directory();
            long id = newAccount(store, "alice@example.com");
            long bob = newAccount(store, "bob@example.com");
            dir.ensureScramSalt(id, new byte[] {1}, 4096);
            AppPassword phone = dir.addAppPassword(id, "Phone", EnumSet.of(LoginProtocol.IMAP, LoginProtocol.SMTP), "aa11", keys(3));
            assertEquals("Phone", phone.name());
            assertEquals(EnumSet.of(LoginProtocol.IMAP, LoginProtocol.SMTP), phone.protocols());
            assertTrue(phone.lastUsed().isEmpty());
            dir.addAppPassword(id, "Laptop", LoginProtocol.all(), "bb22", keys(4));
            dir.addAppPassword(bob, "Phone", LoginProtocol.all(), "cc33", keys(5));
            assertRefused(DUPLICATE, () -> dir.addAppPassword(id, "Phone", LoginProtocol.all(), "dd44", keys(6)));

            List<AppPassword> listed = dir.appPasswords(id);
            assertEquals(List.of("Laptop", "Phone"), listed.stream().map(AppPassword::name).toList());
            assertEquals("aa11", listed.get(1).secretHash());
            assertArrayEquals(keys(3).storedKey(), listed.get(1).scram().storedKey());

            Instant when = Instant.ofEpochMilli(1_700_000_000_000L);
            dir.appPasswordUsed(phone.id(), when, "192.0.2.7");
            AppPassword used = dir.appPasswords(id).get(1);
            assertEquals(Optional.of(when), used.lastUsed());
            assertEquals(Optional.of("192.0.2.7"), used.lastIp());

            BlockingQueue<Change> changes = StoreFixture.listen(store, id);
            dir.removeAppPassword(id, "Phone");
            StoreFixture.awaitChange(changes, new Change.AccountChanged(id));
            assertEquals(List.of("Laptop"), dir.appPasswords(id).stream().map(AppPassword::name).toList());
            assertRefused(NOT_FOUND, () -> dir.removeAppPassword(id, "Phone"));
            assertEquals(1, dir.appPasswords(bob).size(), "another account's app passwords are its own");

            dir.removeAccount(id);
            assertTrue(dir.appPasswords(id).isEmpty(), "they go with the account");
        }
    }

    @Test
    default void requiringAppPasswordsIsAnAccountFlagAndAnnounced() throws Exception {
        try (MailStore store = newStore()) {
            DirectoryStore dir = store.directory();
            long id = newAccount(store, "alice@example.com");
            assertFalse(dir.account(id).orElseThrow().requireAppPasswords());
            BlockingQueue<Change> changes = StoreFixture.listen(store, id);
            dir.setRequireAppPasswords(id, true);
            StoreFixture.awaitChange(changes, new Change.AccountChanged(id));
            assertTrue(dir.account("alice@example.com").orElseThrow().requireAppPasswords());
            dir.setRequireAppPasswords(id, false);
            assertFalse(dir.account(id).orElseThrow().requireAppPasswords());
            assertRefused(NOT_FOUND, () -> dir.setRequireAppPasswords(id + 1000, true));
        }
    }
}
