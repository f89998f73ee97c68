package dev.letterbox.imap.server;

import dev.letterbox.imap.Ranges;
import dev.letterbox.imap.SearchKey;
import dev.letterbox.imap.Status;
import dev.letterbox.imap.ResponseCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * RFC 5267 §4 CONTEXT=SEARCH / CONTEXT=SORT: the SEARCH and SORT results a client asked to keep
 * up to date with RETURN (UPDATE). They belong to the selected view and end with it (or with
 * CANCELUPDATE). After each command and each IDLE push, once the view itself is up to date, each
 * result is evaluated again and the difference goes out as ESEARCH ADDTO / REMOVEFROM; messages
 * about to be reported expunged leave the results first, while their numbers are still valid.
 *
 * <p>Evaluating again (rather than tracking which change could affect which key) keeps every key
 * exact, at the cost of one search per command while a context is active; the number of contexts
 * per session is bounded. All access is under the session's lock.
 */
final class SearchUpdates {
    /** Contexts per selected mailbox; more are refused with NOUPDATE (RFC 5267 §4.2). */
    static final int MAX_CONTEXTS = 16;

    /** One kept result: UIDs in result order (ascending for SEARCH, sort order for SORT). */
    private static final class Context {
        final String tag;
        final boolean uid;
        final SearchKey key;
        final List<String> sortCriteria; // null for SEARCH
        long[] uids;

        Context(String tag, boolean uid, SearchKey key, List<String> sortCriteria, long[] uids) {
            this.tag = tag;
            this.uid = uid;
            this.key = key;
            this.sortCriteria = sortCriteria;
            this.uids = uids;
        }
    }

    private final List<Context> contexts = new ArrayList<>();

    boolean active() {
        return !contexts.isEmpty();
    }

    /**
     * Starts keeping a result up to date; when too many are kept already, says so with an untagged
     * NO [NOUPDATE "tag"] instead (the SEARCH itself still succeeds).
     */
    void add(CommandContext ctx, String tag, boolean uid, SearchKey key, List<String> sortCriteria, long[] uids) throws IOException {
        contexts.removeIf(c -> c.tag.equals(tag)); // a tag reused replaces the older context
        if (contexts.size() >= MAX_CONTEXTS) {
            ctx.out.untagged(Status.NO, ResponseCode.noUpdate(tag), "Too many search contexts");
            return;
        }
        contexts.add(new Context(tag, uid, key, sortCriteria, uids));
    }

    /** RFC 5267 §4.2 CANCELUPDATE; false when some tag names no context (nothing is cancelled then). */
    boolean cancel(List<String> tags) {
        for (String t : tags) if (contexts.stream().noneMatch(c -> c.tag.equals(t))) return false;
        contexts.removeIf(c -> tags.contains(c.tag));
        return true;
    }

    /**
     * Called just before EXPUNGE/VANISHED for {@code gone} is written: those messages leave every
     * result, reported by the numbers they have until then.
     */
    void expunging(CommandContext ctx, SelectedMailbox view, Ranges gone) throws IOException {
        for (Context c : contexts) {
            long[] kept = Arrays.stream(c.uids).filter(u -> !gone.contains(u)).toArray();
            if (kept.length == c.uids.length) continue;
            removed(ctx, view, c, kept);
            c.uids = kept;
        }
    }

    /** Evaluates every result again and reports what left it, then what joined it. */
    void refresh(CommandContext ctx, SelectedMailbox view) throws IOException {
        for (Context c : contexts) {
            long[] now = c.sortCriteria == null ? SearchHandler.matchingUids(ctx, view, c.key)
                    : SearchHandler.sortedUids(ctx, view, c.sortCriteria, c.key);
            if (Arrays.equals(now, c.uids)) continue;
            Set<Long> nowSet = set(now);
            long[] kept = Arrays.stream(c.uids).filter(nowSet::contains).toArray();
            if (kept.length != c.uids.length) removed(ctx, view, c, kept);
            Set<Long> before = set(c.uids);
            if (kept.length != now.length) added(ctx, view, c, now, before);
            c.uids = now;
        }
    }

    /**
     * REMOVEFROM: for SEARCH one set at position 0 (a SEARCH result is ordered by number, so the
     * client needs no position); for SORT a pair per message at its position, highest first so each
     * position holds while the earlier ones are removed.
     */
    private static void removed(CommandContext ctx, SelectedMailbox view, Context c, long[] kept) throws IOException {
        Set<Long> keptSet = set(kept);
        start(ctx, c).atom("REMOVEFROM").open();
        if (c.sortCriteria == null) {
            Ranges.Builder gone = new Ranges.Builder();
            for (long u : c.uids) if (!keptSet.contains(u)) gone.add(number(view, c, u));
            ctx.out.number(0).atom(gone.build().toString());
        } else {
            for (int i = c.uids.length - 1; i >= 0; i--) {
                if (!keptSet.contains(c.uids[i])) ctx.out.number(i + 1).number(number(view, c, c.uids[i]));
            }
        }
        ctx.out.close().end();
    }

    /** ADDTO, like {@link #removed}: for SORT each new message at its final position, lowest first. */
    private static void added(CommandContext ctx, SelectedMailbox view, Context c, long[] now, Set<Long> before) throws IOException {
        start(ctx, c).atom("ADDTO").open();
        if (c.sortCriteria == null) {
            Ranges.Builder added = new Ranges.Builder();
            for (long u : now) if (!before.contains(u)) added.add(number(view, c, u));
            ctx.out.number(0).atom(added.build().toString());
        } else {
            for (int i = 0; i < now.length; i++) {
                if (!before.contains(now[i])) ctx.out.number(i + 1).number(number(view, c, now[i]));
            }
        }
        ctx.out.close().end();
    }

    private static dev.letterbox.imap.ImapWriter start(CommandContext ctx, Context c) throws IOException {
        ctx.out.star().atom("ESEARCH").open().atom("TAG").string(c.tag).close();
        if (c.uid) ctx.out.atom("UID");
        return ctx.out;
    }

    private static long number(SelectedMailbox view, Context c, long uid) {
        return c.uid ? uid : view.uids.msnOf(uid);
    }

    private static Set<Long> set(long[] uids) {
        Set<Long> out = new HashSet<>(uids.length * 2);
        for (long u : uids) out.add(u);
        return out;
    }
}
