package dev.letterbox.imap.server;

import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailboxIndex;
import dev.letterbox.store.ReadTx;
import dev.letterbox.store.WriteTx;

/**
 * One account's part of the store, as a handler uses it: the session's own account, or the owner of
 * a mailbox shared with it (RFC 4314). Each call is one store transaction (see {@link MailStore}).
 */
record AccountStore(MailStore store, long accountId) {
    <T> T read(MailStore.Work<ReadTx, T> work) {
        return store.read(accountId, work);
    }

    /** One query without a transaction around it ({@link MailStore#readOne}). */
    <T> T readOne(MailStore.Work<ReadTx, T> work) {
        return store.readOne(accountId, work);
    }

    /** Durable before it returns: an OK may follow. */
    <T> T write(MailStore.Work<WriteTx, T> work) {
        return store.write(accountId, work);
    }

    /** Flags and \Recent claims only ({@link MailStore#writeUnsynced}). */
    <T> T writeUnsynced(MailStore.Work<WriteTx, T> work) {
        return store.writeUnsynced(accountId, work);
    }

    /** The mailbox's shared index on this node; the caller closes it. */
    MailboxIndex openIndex(long mailboxId) {
        return store.openIndex(accountId, mailboxId);
    }
}
