package dev.letterbox.imap.server;

import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * RFC 5465 §5.9 MailboxMetadataChange and §5.10 ServerMetadataChange for one NOTIFY session: an
 * unsolicited METADATA response (RFC 5464 §4.4.2) naming the entries of a mailbox (or "" for the
 * server) whose values were set, changed or removed since it was last told. The store's change says
 * only which mailbox changed, so the session keeps a fingerprint (name and 64-bit hash of the value)
 * of the account's entries, taken at NOTIFY SET and compared with a fresh read of that mailbox's
 * entries: bounded by the account's METADATA limits (500 entries), held only by sessions that ask.
 */
final class MetadataWatch {
    /** Per mailbox id (0 = server), entry name → value fingerprint, as last seen. */
    private final Map<Long, Map<String, Long>> seen = new HashMap<>();
    /** Mailbox ids whose entries changed since the last delivery (written by the store's thread). */
    private final Set<Long> changed = ConcurrentHashMap.newKeySet();

    private MetadataWatch() {}

    static MetadataWatch start(CommandContext ctx) {
        MetadataWatch w = new MetadataWatch();
        for (MailboxMetadata.Located l : ctx.metadata().all(ctx.account().id())) {
            w.seen.computeIfAbsent(l.mailboxId(), k -> new HashMap<>()).put(l.entry().name(), fingerprint(l.entry().value()));
        }
        return w;
    }

    /** From the store's listener. */
    void signal(long mailboxId) {
        changed.add(mailboxId);
    }

    /**
     * Writes one METADATA response per changed mailbox that {@code wanted} (mailbox id, name; "" for
     * the server) says the client asked about. Under the session's lock.
     */
    void deliver(CommandContext ctx, BiPredicate<Long, String> wanted) throws IOException {
        if (changed.isEmpty()) return;
        List<Long> ids = new ArrayList<>(changed);
        changed.removeAll(ids);
        long account = ctx.account().id();
        for (long id : ids) {
            String name = "";
            if (id != MailboxMetadata.SERVER) {
                Mailbox m = ctx.store().read(tx -> tx.mailbox(id)).orElse(null);
                if (m == null) {
                    seen.remove(id); // deleted with its entries; MailboxName tells of that
                    continue;
                }
                name = m.name();
            }
            Map<String, Long> now = new HashMap<>();
            try {
                for (MailboxMetadata.Entry e : ctx.metadata().list(account, id)) now.put(e.name(), fingerprint(e.value()));
            } catch (MailboxException e) {
                seen.remove(id);
                continue;
            }
            Map<String, Long> before = seen.getOrDefault(id, Map.of());
            Set<String> names = new TreeSet<>();
            for (Map.Entry<String, Long> e : now.entrySet()) {
                if (!e.getValue().equals(before.get(e.getKey()))) names.add(e.getKey());
            }
            for (String gone : before.keySet()) {
                if (!now.containsKey(gone)) names.add(gone);
            }
            if (now.isEmpty()) seen.remove(id);
            else seen.put(id, now);
            if (names.isEmpty() || !wanted.test(id, name)) continue;
            ctx.out.star().atom("METADATA").mailbox(name);
            for (String n : names) ctx.out.string(n);
            ctx.out.end();
        }
    }

    /** FNV-1a, 64 bits, with the length folded in: a changed value is missed only on a 64-bit collision. */
    private static long fingerprint(byte[] value) {
        long h = 0xcbf29ce484222325L ^ value.length;
        for (byte b : value) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
