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
final class SearchCommands {
    private SearchCommands() {}

    static Done search(ImapSession s, ImapCommand.Search c) throws IOException {
        SelectedMailbox view = s.selected();
        boolean modSeq = SearchEvaluator.usesModSeq(c.key());
        if (modSeq) s.enableCondstore();
        Ranges.Builder found = new Ranges.Builder();
        // MODSEQ of all matches, of the first (lowest UID, so lowest number) and of the last one
        long[] highest = {0}, first = {0}, last = {0};
        long[] count = {0};
        new SearchEvaluator(s, view, c.key()).run((uid, messageModSeq) -> {
            found.add(uid);
            highest[0] = Math.max(highest[0], messageModSeq);
            if (count[0] == 0) first[0] = messageModSeq;
            last[0] = messageModSeq;
            count[0]++;
        });
        Ranges uids = found.build();
        boolean esearch = c.esearch() || s.rev2; // RFC 9051 §7.3.4: IMAP4rev2 answers in ESEARCH form
        List<String> returns = c.returns().isEmpty() ? List.of("ALL") : c.returns();
        if (returns.contains("SAVE")) {
            view.savedSearch = c.partial().isPresent() ? EsearchResult.partialOf(uids, c.partial().get()) : saved(uids, returns);
            if (returns.size() == 1) return Done.ok("SEARCH completed, result saved");
        }
        if (!esearch) {
            s.out.star().atom("SEARCH");
            for (int i = 0; i < uids.rangeCount(); i++) {
                for (long u = uids.low(i); u <= uids.high(i); u++) s.out.number(c.uid() ? u : view.uids.msnOf(u));
            }
            if (modSeq && !uids.isEmpty()) s.out.open().atom("MODSEQ").number(highest[0]).close();
            s.out.end();
            return Done.ok("SEARCH completed");
        }
        Ranges numbers = c.uid() ? uids : view.uids.msnsOf(uids);
        long modSeqData = modSeq && !uids.isEmpty() ? esearchModSeq(returns, highest[0], first[0], last[0]) : 0;
        esearch(s, c.tag(), c.uid(), returns, c.partial(), EsearchResult.ofSearch(numbers), modSeqData);
        if (returns.contains("UPDATE")) view.updates.add(s, c.tag(), c.uid(), c.key(), null, uids.toArray());
        return Done.ok("SEARCH completed");
    }

    /**
     * One ESEARCH response (RFC 4731 §3.1, for SORT RFC 5267 §3.1): MIN, MAX and ALL only when
     * something matched, COUNT always, RFC 9394 PARTIAL with NIL when its range holds nothing;
     * {@code modSeq} 0 for none.
     */
    private static void esearch(ImapSession s, String tag, boolean uid, List<String> returns,
                                Optional<ImapCommand.PartialRange> partial, EsearchResult r, long modSeq) throws IOException {
        s.out.star().atom("ESEARCH").open().atom("TAG").string(tag).close();
        if (uid) s.out.atom("UID");
        if (!r.isEmpty()) {
            if (returns.contains("MIN")) s.out.atom("MIN").number(r.first());
            if (returns.contains("MAX")) s.out.atom("MAX").number(r.last());
        }
        if (returns.contains("COUNT")) s.out.atom("COUNT").number(r.size());
        if (!r.isEmpty() && returns.contains("ALL")) s.out.atom("ALL").atom(r.all());
        if (partial.isPresent()) {
            String slice = r.partial(partial.get());
            s.out.atom("PARTIAL").open().atom(partial.get().toString());
            if (slice == null) s.out.nil(); else s.out.atom(slice);
            s.out.close();
        }
        if (modSeq > 0) s.out.atom("MODSEQ").number(modSeq);
        s.out.end();
    }

    /** The UIDs matching {@code key} now, ascending (for a kept SEARCH result, RFC 5267 §4). */
    static long[] matchingUids(ImapSession s, SelectedMailbox view, SearchKey key) {
        Ranges.Builder found = new Ranges.Builder();
        new SearchEvaluator(s, view, key).run((uid, modSeq) -> found.add(uid));
        return found.build().toArray();
    }

    /** The UIDs matching {@code key} now in sort order (for a kept SORT result, RFC 5267 §4). */
    static long[] sortedUids(ImapSession s, SelectedMailbox view, List<String> criteria, SearchKey key) throws IOException {
        return sorted(s, view, criteria, key).stream().mapToLong(Sortable::uid).toArray();
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
    static List<Sortable> collect(ImapSession s, SelectedMailbox view, SearchKey key) throws IOException {
        List<long[]> matches = new ArrayList<>();
        new SearchEvaluator(s, view, key).run((uid, modSeq, internalDate, size) -> matches.add(new long[] {uid, modSeq, internalDate, size}));
        long[] ids = new long[matches.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = matches.get(i)[0];
        HeaderKeys[] keys = s.service.headerKeys.of(s, view, ids);
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
    static List<Sortable> sorted(ImapSession s, SelectedMailbox view, List<String> criteria, SearchKey key) throws IOException {
        List<Sortable> items = collect(s, view, key);
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
    static Done sort(ImapSession s, ImapCommand.Sort c) throws IOException {
        SelectedMailbox view = s.selected();
        boolean modSeq = SearchEvaluator.usesModSeq(c.key());
        if (modSeq) s.enableCondstore(); // RFC 7162 §3.1: a MODSEQ search criterion enables CONDSTORE
        List<Sortable> items = sorted(s, view, c.criteria(), c.key());
        // RFC 7162 §3.1.5 and its sort-data syntax (§7): like SEARCH, the highest MODSEQ of the matches
        long highest = modSeq ? items.stream().mapToLong(Sortable::modSeq).max().orElse(0) : 0;
        if (c.esearch()) {
            List<String> returns = c.returns().isEmpty() ? List.of("ALL") : c.returns();
            long[] numbers = items.stream().mapToLong(x -> c.uid() ? x.uid() : x.msn()).toArray();
            esearch(s, c.tag(), c.uid(), returns, c.partial(), EsearchResult.ofSort(numbers), highest);
            if (returns.contains("UPDATE")) {
                view.updates.add(s, c.tag(), c.uid(), c.key(), c.criteria(), items.stream().mapToLong(Sortable::uid).toArray());
            }
            return Done.ok("SORT completed");
        }
        s.out.star().atom("SORT");
        for (Sortable item : items) s.out.number(c.uid() ? item.uid() : item.msn());
        if (highest > 0) s.out.open().atom("MODSEQ").number(highest).close();
        s.out.end();
        return Done.ok("SORT completed");
    }

    /** RFC 5267 §4.2 CANCELUPDATE. */
    static Done cancelUpdate(ImapSession s, ImapCommand.CancelUpdate c) {
        if (!s.selected().updates.cancel(c.contexts())) return Done.bad("No search context with that tag");
        return Done.ok("CANCELUPDATE completed");
    }

    /** RFC 5256 §4 THREAD=ORDEREDSUBJECT and THREAD=REFERENCES. */
    static Done thread(ImapSession s, ImapCommand.ThreadMessages c) throws IOException {
        SelectedMailbox view = s.selected();
        List<Sortable> items = collect(s, view, c.key());
        List<Threads.Node> threads = c.algorithm().equals("REFERENCES") ? Threads.references(items) : Threads.orderedSubject(items);
        s.out.star().atom("THREAD");
        Threads.write(threads, c.uid(), s.out);
        s.out.end();
        return Done.ok("THREAD completed");
    }

}
