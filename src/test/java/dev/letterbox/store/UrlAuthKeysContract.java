package dev.letterbox.store;

import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The {@link UrlAuthKeys} rules: one key per account and mailbox, made once, forgotten by reset. */
public interface UrlAuthKeysContract extends StoreFixture {
    @Test
    default void keysAreMadeOnceAndForgottenByReset() {
        try (MailStore store = newStore()) {
            UrlAuthKeys keys = store.urlAuthKeys();
            long alice = newAccount(store, "alice@example.com");
            long bob = newAccount(store, "bob@example.com");
            long inbox = store.read(alice, tx -> tx.mailbox(Mailbox.INBOX).orElseThrow().id());
            long work = store.write(alice, tx -> tx.createMailbox("Work", Optional.empty()).id());
            long bobInbox = store.read(bob, tx -> tx.mailbox(Mailbox.INBOX).orElseThrow().id());

            assertTrue(keys.key(alice, inbox).isEmpty());
            byte[] first = keys.keyFor(alice, inbox);
            assertEquals(32, first.length);
            assertArrayEquals(first, keys.keyFor(alice, inbox), "the same key on every call");
            assertArrayEquals(first, keys.key(alice, inbox).orElseThrow());
            byte[] other = keys.keyFor(alice, work);
            byte[] bobs = keys.keyFor(bob, bobInbox);
            assertFalse(Arrays.equals(first, other) || Arrays.equals(first, bobs), "keys are random per mailbox");

            keys.reset(alice, OptionalLong.of(inbox));
            assertTrue(keys.key(alice, inbox).isEmpty());
            assertArrayEquals(other, keys.key(alice, work).orElseThrow(), "another mailbox keeps its key");
            byte[] fresh = keys.keyFor(alice, inbox);
            assertFalse(Arrays.equals(first, fresh), "a reset key is made anew");

            keys.reset(alice, OptionalLong.empty());
            assertTrue(keys.key(alice, inbox).isEmpty() && keys.key(alice, work).isEmpty());
            assertArrayEquals(bobs, keys.key(bob, bobInbox).orElseThrow(), "another account keeps its keys");

            store.directory().removeAccount(bob); // its keys go with it
            assertTrue(keys.key(bob, bobInbox).isEmpty());
        }
    }
}
