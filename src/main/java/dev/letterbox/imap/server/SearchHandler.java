package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.Ranges;
import dev.letterbox.imap.SearchKey;
import dev.letterbox.message.HeaderKeys;
import dev.letterbox.message.UnicodeCasemap;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** SEARCH (RFC 3501 §6.4.4, RFC 4731 ESEARCH, RFC 5182 SEARCHRES, RFC 7162 MODSEQ), SORT and THREAD (RFC 5256). */
final class SearchHandler {
    private SearchHandler() {}

    static Done search(CommandContext ctx, ImapCommand.Search c) throws IOException {
        SelectedMailbox view = ctx.selected();
        boolean modSeq = c.key().usesModSeq();
        Ranges.Builder found = new Ranges.Builder();
        // MODSEQ of all matches, of the first (lowest UID, so lowest number) and of the last one
        long[] highest = {0}, first = {0}, last = {0};
        long[] count = {0};
        new SearchEvaluator(ctx, view, c.key()).run((uid, messageModSeq) -> {
            found.add(uid);
            highest[0] = Math.max(highest[0], messageModSeq);
            if (count[0] == 0) first[0] = messageModSeq;
            last[0] = messageModSeq;
            count[0]++;
        });
        Ranges uids = found.build();
        boolean esearch = c.esearch() || ctx.enabled.rev2; // RFC 9051 §7.3.4: IMAP4rev2 answers in ESEARCH form
        List<String> returns = c.returns().isEmpty() ? List.of("ALL") : c.returns();
        if (returns.contains("SAVE")) {
            view.savedSearch = c.partial().isPresent() ? EsearchResult.partialOf(uids, c.partial().get()) : saved(uids, returns);
            if (returns.size() == 1) return Done.ok("SEARCH completed, result saved");
        }
        if (!esearch) {
            ctx.out.star().atom("SEARCH");
            for (int i = 0; i < uids.rangeCount(); i++) {
                for (long u = uids.low(i); u <= uids.high(i); u++) ctx.out.number(c.uid() ? u : view.uids.msnOf(u));
            }
            if (modSeq && !uids.isEmpty()) ctx.out.open().atom("MODSEQ").number(highest[0]).close();
            ctx.out.end();
            return Done.ok("SEARCH completed");
        }
        Ranges numbers = c.uid() ? uids : view.uids.msnsOf(uids);
        long modSeqData = modSeq && !uids.isEmpty() ? esearchModSeq(returns, highest[0], first[0], last[0]) : 0;
        esearch(ctx, c.tag(), c.uid(), returns, c.partial(), EsearchResult.ofSearch(numbers), modSeqData);
        if (returns.contains("UPDATE")) view.updates.add(ctx, c.tag(), c.uid(), c.key(), null, uids.toArray());
        return Done.ok("SEARCH completed");
    }

    /**
     * One ESEARCH response (RFC 4731 §3.1, for SORT RFC 5267 §3.1): MIN, MAX and ALL only when
     * something matched, COUNT always, RFC 9394 PARTIAL with NIL when its range holds nothing;
     * {@code modSeq} 0 for none.
     */
    private static void esearch(CommandContext ctx, String tag, boolean uid, List<String> returns,
                                Optional<ImapCommand.PartialRange> partial, EsearchResult r, long modSeq) throws IOException {
        ctx.out.star().atom("ESEARCH").open().atom("TAG").string(tag).close();
        if (uid) ctx.out.atom("UID");
        if (!r.isEmpty()) {
            if (returns.contains("MIN")) ctx.out.atom("MIN").number(r.first());
            if (returns.contains("MAX")) ctx.out.atom("MAX").number(r.last());
        }
        if (returns.contains("COUNT")) ctx.out.atom("COUNT").number(r.size());
        if (!r.isEmpty() && returns.contains("ALL")) ctx.out.atom("ALL").atom(r.all());
        if (partial.isPresent()) {
            String slice = r.partial(partial.get());
            ctx.out.atom("PARTIAL").open().atom(partial.get().toString());
            if (slice == null) ctx.out.nil(); else ctx.out.atom(slice);
            ctx.out.close();
        }
        if (modSeq > 0) ctx.out.atom("MODSEQ").number(modSeq);
        ctx.out.end();
    }

    /** The UIDs matching {@code key} now, ascending (for a kept SEARCH result, RFC 5267 §4). */
    static long[] matchingUids(CommandContext ctx, SelectedMailbox view, SearchKey key) {
        Ranges.Builder found = new Ranges.Builder();
        new SearchEvaluator(ctx, view, key).run((uid, modSeq) -> found.add(uid));
        return found.build().toArray();
    }

    /** The UIDs matching {@code key} now in sort order (for a kept SORT result, RFC 5267 §4). */
    static long[] sortedUids(CommandContext ctx, SelectedMailbox view, List<String> criteria, SearchKey key) throws IOException {
        return sorted(ctx, view, criteria, key).stream().mapToLong(Sortable::uid).toArray();
    }

    /**
     * RFC 4731 §3.2 (and RFC 7162 §3.1.5): with MIN or MAX alone the MODSEQ is that message's, with MIN
     * and MAX (no ALL or COUNT) the higher of the two; otherwise the highest of all matches.
     */
    private static long esearchModSeq(List<String> returns, long highest, long ofMin, long ofMax) {
        boolean min = returns.contains("MIN"), max = returns.contains("MAX");
        if (returns.contains("ALL") || returns.contains("COUNT") || (!min && !max)) return highest;
        if (min && max) return Math.max(ofMin, ofMax);
        return min ? ofMin : ofMax;
    }

    /** RFC 5182 §2.4: with MIN and/or MAX only, SAVE keeps just those. */
    private static Ranges saved(Ranges uids, List<String> returns) {
        boolean min = returns.contains("MIN"), max = returns.contains("MAX");
        boolean other = returns.contains("ALL") || returns.contains("COUNT") || returns.size() == 1;
        if (other || (!min && !max) || uids.isEmpty()) return uids;
        List<Long> keep = new ArrayList<>();
        if (min) keep.add(uids.min());
        if (max) keep.add(uids.max());
        return Ranges.of(keep.stream().mapToLong(Long::longValue).toArray());
    }

    /** A matching message with what SORT and THREAD compare ({@code arrival}: INTERNALDATE, epoch milliseconds). */
    record Sortable(long uid, int msn, long arrival, long size, HeaderKeys keys, long modSeq) {
        /** RFC 5256 §3 DATE: the Date: header, else the internal date. */
        Instant sent() {
            return keys.sentDate() != null ? keys.sentDate() : Instant.ofEpochMilli(arrival);
        }
    }

    /**
     * Collects the matching messages with their sort keys: the matches from the mailbox's index where
     * the search key allows, the keys from this node's {@link HeaderKeyCache} (read from the store for
     * messages not in it). A message expunged meanwhile is left out.
     */
    static List<Sortable> collect(CommandContext ctx, SelectedMailbox view, SearchKey key) throws IOException {
        List<long[]> matches = new ArrayList<>();
        new SearchEvaluator(ctx, view, key).run((uid, modSeq, internalDate, size) -> matches.add(new long[] {uid, modSeq, internalDate, size}));
        long[] ids = new long[matches.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = matches.get(i)[0];
        HeaderKeys[] keys = ctx.headerKeys().of(ctx, view, ids);
        List<Sortable> out = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            if (keys[i] == null) continue; // gone
            long[] m = matches.get(i);
            out.add(new Sortable(m[0], view.uids.msnOf(m[0]), m[2], m[3], keys[i], m[1]));
        }
        return out;
    }

    /**
     * Orders by a text field under i;unicode-casemap (RFC 5051). Each message's key is made once,
     * not at every one of the sort's comparisons.
     */
    static Comparator<Sortable> byText(java.util.function.Function<Sortable, String> field) {
        java.util.Map<Sortable, String> keys = new java.util.IdentityHashMap<>();
        return Comparator.comparing(x -> keys.computeIfAbsent(x, y -> UnicodeCasemap.key(field.apply(y))), UnicodeCasemap.ORDER);
    }

    /** RFC 5256 §3 SORT: criteria in order, REVERSE reverses the next; ties go by sequence number. */
    static List<Sortable> sorted(CommandContext ctx, SelectedMailbox view, List<String> criteria, SearchKey key) throws IOException {
        List<Sortable> items = collect(ctx, view, key);
        Comparator<Sortable> order = null;
        boolean reverse = false;
        for (String criterion : criteria) {
            if (criterion.equals("REVERSE")) {
                reverse = true;
                continue;
            }
            Comparator<Sortable> next = switch (criterion) {
                case "ARRIVAL" -> Comparator.comparingLong(Sortable::arrival);
                case "DATE" -> Comparator.comparing(Sortable::sent);
                case "SIZE" -> Comparator.comparingLong(Sortable::size);
                case "SUBJECT" -> byText(x -> x.keys().baseSubject());
                case "FROM" -> byText(x -> x.keys().sortFrom());
                case "TO" -> byText(x -> x.keys().sortTo());
                case "CC" -> byText(x -> x.keys().sortCc());
                case "DISPLAYFROM" -> byText(x -> x.keys().displayFrom());
                case "DISPLAYTO" -> byText(x -> x.keys().displayTo());
                default -> throw new IllegalStateException(criterion);
            };
            if (reverse) next = next.reversed();
            reverse = false;
            order = order == null ? next : order.thenComparing(next);
        }
        Comparator<Sortable> bySequence = Comparator.comparingInt(Sortable::msn);
        items.sort(order == null ? bySequence : order.thenComparing(bySequence));
        return items;
    }

    /** RFC 5256 §3 SORT, and with RETURN RFC 5267 §3 ESORT (ESEARCH in sort order) and §4 CONTEXT=SORT. */
    static Done sort(CommandContext ctx, ImapCommand.Sort c) throws IOException {
        SelectedMailbox view = ctx.selected();
        boolean modSeq = c.key().usesModSeq();
        List<Sortable> items = sorted(ctx, view, c.criteria(), c.key());
        // RFC 7162 §3.1.5 and its sort-data syntax (§7): like SEARCH, the highest MODSEQ of the matches
        long highest = modSeq ? items.stream().mapToLong(Sortable::modSeq).max().orElse(0) : 0;
        if (c.esearch()) {
            List<String> returns = c.returns().isEmpty() ? List.of("ALL") : c.returns();
            long[] numbers = items.stream().mapToLong(x -> c.uid() ? x.uid() : x.msn()).toArray();
            esearch(ctx, c.tag(), c.uid(), returns, c.partial(), EsearchResult.ofSort(numbers), highest);
            if (returns.contains("UPDATE")) {
                view.updates.add(ctx, c.tag(), c.uid(), c.key(), c.criteria(), items.stream().mapToLong(Sortable::uid).toArray());
            }
            return Done.ok("SORT completed");
        }
        ctx.out.star().atom("SORT");
        for (Sortable item : items) ctx.out.number(c.uid() ? item.uid() : item.msn());
        if (highest > 0) ctx.out.open().atom("MODSEQ").number(highest).close();
        ctx.out.end();
        return Done.ok("SORT completed");
    }

    /** RFC 5267 §4.2 CANCELUPDATE. */
    static Done cancelUpdate(CommandContext ctx, ImapCommand.CancelUpdate c) {
        if (!ctx.selected().updates.cancel(c.contexts())) return Done.bad("No search context with that tag");
        return Done.ok("CANCELUPDATE completed");
    }

    /** RFC 5256 §4 THREAD=ORDEREDSUBJECT and THREAD=REFERENCES. */
    static Done thread(CommandContext ctx, ImapCommand.ThreadMessages c) throws IOException {
        SelectedMailbox view = ctx.selected();
        List<Sortable> items = collect(ctx, view, c.key());
        List<Threads.Node> threads = c.algorithm().equals("REFERENCES") ? Threads.references(items) : Threads.orderedSubject(items);
        ctx.out.star().atom("THREAD");
        Threads.write(threads, c.uid(), ctx.out);
        ctx.out.end();
        return Done.ok("THREAD completed");
    }

}
