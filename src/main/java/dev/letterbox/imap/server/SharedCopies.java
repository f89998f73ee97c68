package dev.letterbox.imap.server;

import dev.letterbox.store.CopyResult;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.NewMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * COPY and MOVE between two accounts' mailboxes, or into a shared mailbox where the session may
 * set only some flags. The store copies within one account in one transaction; across accounts
 * this appends the same (immutable, shared) message bytes to the target's owner in one write, and
 * for MOVE then expunges the originals in a second: a crash in between leaves the message in both
 * places, never in neither. The target's owner is charged for what is added.
 */
final class SharedCopies {
    private static final int PAGE = 1000;

    private SharedCopies() {}

    static CopyResult copy(CommandContext ctx, SelectedMailbox view, long[] uids, MailboxAccess.Target to, boolean move) {
        if (uids.length == 0) return new CopyResult(to.mailbox().get().uidValidity(), new long[0], new long[0]);
        record Source(MessageMeta meta, byte[] structure) {}
        List<Source> sources = new ArrayList<>();
        long low = uids[0], high = uids[uids.length - 1];
        java.util.Set<Long> wanted = new java.util.HashSet<>();
        for (long u : uids) wanted.add(u);
        long from = low;
        while (from <= high) {
            long f = from;
            List<Source> page = ctx.store(view.ownerId).read(tx -> {
                Map<Long, byte[]> structures = tx.structures(view.id, f, high, PAGE);
                List<Source> out = new ArrayList<>();
                for (MessageMeta m : tx.messages(view.id, f, high, PAGE)) out.add(new Source(m, structures.get(m.uid())));
                return out;
            });
            for (Source src : page) if (wanted.contains(src.meta().uid())) sources.add(src);
            if (page.size() < PAGE) break;
            from = page.get(page.size() - 1).meta().uid() + 1;
        }
        long targetId = to.mailbox().get().id();
        long[] sourceUids = new long[sources.size()];
        long[] targetUids = new long[sources.size()];
        boolean seenIsPrivate = !to.own(ctx);
        java.util.List<Long> seenHere = new ArrayList<>();
        long uidValidity = ctx.store(to.ownerId()).write(tx -> {
            seenHere.clear(); // a unit of work may run again
            long validity = tx.mailbox(targetId).orElseThrow(MailboxAccess::nonexistent).uidValidity();
            for (int i = 0; i < sources.size(); i++) {
                MessageMeta m = sources.get(i).meta();
                // the flags as this user has them (its own \Seen in another's mailbox), as far as it may set them
                Flags flags = MailboxAccess.allowedFlags(to.rights(), view.shown(m.uid(), m.flags()));
                if (seenIsPrivate && flags.has(Flags.SEEN)) {
                    flags = flags.minus(Flags.ofSystem(Flags.SEEN));
                    seenHere.add((long) i);
                }
                sourceUids[i] = m.uid();
                targetUids[i] = tx.append(targetId, new NewMessage(m.blob(), m.size(), flags, m.internalDate(),
                        sources.get(i).structure())).uid();
            }
            return validity;
        });
        if (!seenHere.isEmpty()) {
            long[] seen = seenHere.stream().mapToLong(i -> targetUids[(int) (long) i]).toArray();
            if (targetId == view.id && view.privateSeen != null) view.privateSeen.set(ctx, view, seen, true);
            else ctx.grants().setSeen(to.ownerId(), targetId, ctx.account().id(), seen, true);
        }
        if (move && sourceUids.length > 0) ctx.store(view.ownerId).write(tx -> tx.expunge(view.id, sourceUids));
        return new CopyResult(uidValidity, sourceUids, targetUids);
    }
}
