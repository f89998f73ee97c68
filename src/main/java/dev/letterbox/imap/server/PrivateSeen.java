package dev.letterbox.imap.server;

import dev.letterbox.store.FlagUpdate;
import dev.letterbox.store.MailboxIndex;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MessageMeta;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * A grantee's \Seen in another account's mailbox is its own (kept by the store per user,
 * {@link dev.letterbox.store.MailboxGrants#seenBy}); the message's \Seen flag stays the owner's and
 * every other flag is shared. The selected view holds the grantee's seen UIDs and shows them in
 * place of the stored flag; these write them.
 */
final class PrivateSeen {
    private final Set<Long> uids;

    private PrivateSeen(long[] seen) {
        this.uids = new HashSet<>(seen.length * 2);
        for (long u : seen) uids.add(u);
    }

    /** The seen UIDs of the session's account in the owner's mailbox; null when the session is the owner. */
    static PrivateSeen load(CommandContext ctx, long ownerId, long mailboxId) {
        if (ownerId == ctx.account().id()) return null;
        return new PrivateSeen(ctx.grants().seenBy(mailboxId, ctx.account().id()));
    }

    boolean contains(long uid) {
        return uids.contains(uid);
    }

    /** {@code stored} with \Seen as this user has it. */
    Flags shown(long uid, Flags stored) {
        boolean seen = uids.contains(uid);
        if (seen == stored.has(Flags.SEEN)) return stored;
        Flags bit = Flags.ofSystem(Flags.SEEN);
        return seen ? stored.plus(bit) : stored.minus(bit);
    }

    /** Marks the UIDs seen or unseen for this user, in the store and here. */
    void set(CommandContext ctx, SelectedMailbox view, long[] changed, boolean seen) {
        ctx.grants().setSeen(view.ownerId, view.id, ctx.account().id(), changed, seen);
        for (long u : changed) {
            if (seen) uids.add(u); else uids.remove(u);
        }
    }

    /**
     * Another session of this user changed its \Seen here ({@link dev.letterbox.store.Change.PrivateFlags}):
     * reloads it and reports the flags of each message whose \Seen changed, as for another
     * session's flag change (RFC 3501 §7.4.2). This session's own changes are already in the set.
     */
    void refresh(CommandContext ctx, SelectedMailbox view) throws IOException {
        long[] now = ctx.grants().seenBy(view.id, ctx.account().id());
        Set<Long> fresh = new HashSet<>(now.length * 2);
        for (long u : now) fresh.add(u);
        TreeSet<Long> changed = new TreeSet<>();
        for (long u : now) if (!uids.contains(u)) changed.add(u);
        for (long u : uids) if (!fresh.contains(u)) changed.add(u);
        uids.clear();
        uids.addAll(fresh);
        MailboxIndex.Page page = new MailboxIndex.Page(1);
        for (long uid : changed) {
            int msn = view.uids.msnOf(uid);
            if (msn == 0 || view.isGhost(uid)) continue;
            view.index.read(uid, uid, page);
            if (page.count == 1) ViewUpdates.flagsResponse(ctx, view, msn, uid, page.modSeqs[0], page.flags[0]);
        }
    }

    /**
     * STORE for a grantee: the \Seen part for this user, the rest on the messages. A replacement of
     * the flags becomes an addition of the named ones and a removal of the others, so that the
     * owner's \Seen is left alone. Returns what the shared part changed.
     */
    FlagUpdate store(CommandContext ctx, SelectedMailbox view, long[] uids, FlagUpdate.Mode mode, Flags flags,
                     OptionalLong unchangedSince) {
        Flags seenBit = Flags.ofSystem(Flags.SEEN);
        if (mode == FlagUpdate.Mode.REPLACE || flags.has(Flags.SEEN)) {
            set(ctx, view, uids, mode == FlagUpdate.Mode.REMOVE ? false : flags.has(Flags.SEEN));
        }
        Flags shared = flags.minus(seenBit);
        List<MessageMeta> changed = new ArrayList<>();
        List<Long> refused = new ArrayList<>();
        if (mode == FlagUpdate.Mode.REPLACE) {
            int others = Flags.ANSWERED | Flags.FLAGGED | Flags.DELETED | Flags.DRAFT;
            Flags unwanted = Flags.of(others, view.keywords()).minus(shared);
            collect(write(ctx, view, uids, FlagUpdate.Mode.ADD, shared, unchangedSince), changed, refused);
            collect(write(ctx, view, uids, FlagUpdate.Mode.REMOVE, unwanted, unchangedSince), changed, refused);
        } else if (!shared.isEmpty()) {
            collect(write(ctx, view, uids, mode, shared, unchangedSince), changed, refused);
        }
        return new FlagUpdate(changed, refused.stream().mapToLong(Long::longValue).distinct().sorted().toArray());
    }

    private static FlagUpdate write(CommandContext ctx, SelectedMailbox view, long[] uids, FlagUpdate.Mode mode, Flags flags,
                                    OptionalLong unchangedSince) {
        if (flags.isEmpty()) return new FlagUpdate(List.of(), new long[0]);
        return ctx.store(view.ownerId).writeUnsynced(tx -> tx.storeFlags(view.id, uids, mode, flags, unchangedSince));
    }

    private static void collect(FlagUpdate u, List<MessageMeta> changed, List<Long> refused) {
        changed.addAll(u.changed());
        for (long r : u.modifiedSinceRefused()) refused.add(r);
    }
}
