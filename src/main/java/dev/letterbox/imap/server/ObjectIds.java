package dev.letterbox.imap.server;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.Mailbox;

/**
 * OBJECTID (RFC 8474) identifiers, derived from what the store already keeps rather than stored
 * apart. Each is an {@code objectid}: 1*255 of ALPHA / DIGIT / "_" / "-".
 *
 * <ul>
 *   <li>MAILBOXID: the mailbox's row id with its UIDVALIDITY. The row id survives RENAME (§4.1: the
 *   id stays when the name changes); a mailbox deleted and created again gets a new row, so a new id.
 *   The UIDVALIDITY part makes the id change whenever the UIDs start over, as §4.1 asks.</li>
 *   <li>EMAILID: the message's blob id. COPY and MOVE share the blob, so copies share the id
 *   (§5.1), and the blob's bytes never change while the id exists.</li>
 *   <li>THREADID: no threads are stored; NIL for every message (§5.2 allows it).</li>
 * </ul>
 */
final class ObjectIds {
    private ObjectIds() {}

    static String mailbox(Mailbox m) {
        return mailbox(m.id(), m.uidValidity());
    }

    static String mailbox(long mailboxId, long uidValidity) {
        return "F" + mailboxId + "-" + uidValidity;
    }

    static String email(BlobId blob) {
        return "M" + blob.value();
    }
}
