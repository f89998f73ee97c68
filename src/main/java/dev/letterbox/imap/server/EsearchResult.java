package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.Ranges;
import dev.letterbox.imap.SequenceSet;

/**
 * A SEARCH or SORT result in its order, as ESEARCH data reports it: MIN/MAX (RFC 4731 §3.1; for
 * ESORT the first and last in sort order, RFC 5267 §3.1), ALL and the RFC 9394 PARTIAL slice.
 * A SEARCH result stays in compact ranges (it may cover a whole large mailbox); a SORT result is the
 * numbers in sort order.
 */
final class EsearchResult {
    private final Ranges ascending;
    private final long[] ordered;

    private EsearchResult(Ranges ascending, long[] ordered) {
        this.ascending = ascending;
        this.ordered = ordered;
    }

    static EsearchResult ofSearch(Ranges numbers) {
        return new EsearchResult(numbers, null);
    }

    static EsearchResult ofSort(long[] numbersInOrder) {
        return new EsearchResult(null, numbersInOrder);
    }

    long size() {
        return ascending != null ? ascending.size() : ordered.length;
    }

    boolean isEmpty() {
        return size() == 0;
    }

    long first() {
        return ascending != null ? ascending.min() : ordered[0];
    }

    long last() {
        return ascending != null ? ascending.max() : ordered[ordered.length - 1];
    }

    /** The whole result as a sequence set in result order. */
    String all() {
        return ascending != null ? ascending.toString() : SequenceSet.inListOrder(ordered, 0, ordered.length);
    }

    /**
     * RFC 9394 §3.1: the numbers at the range's positions (1-based; negative ones count from the end,
     * -1 being the last), or null (NIL) when no message is there.
     */
    String partial(ImapCommand.PartialRange range) {
        long[] span = span(range);
        if (span == null) return null;
        if (ordered != null) return SequenceSet.inListOrder(ordered, (int) span[0] - 1, (int) span[1]);
        return slice(ascending, span[0], span[1]).toString();
    }

    /** RFC 9394 §3.1 with RFC 5182 SAVE: what SEARCH RETURN (SAVE PARTIAL) keeps of an ascending result. */
    static Ranges partialOf(Ranges ascending, ImapCommand.PartialRange range) {
        long[] span = new EsearchResult(ascending, null).span(range);
        return span == null ? Ranges.EMPTY : slice(ascending, span[0], span[1]);
    }

    /** The range as first and last position (1-based) within this result, or null when it holds none. */
    private long[] span(ImapCommand.PartialRange range) {
        long n = size();
        long from, to;
        if (range.first() > 0) {
            from = range.first();
            to = Math.min(range.last(), n);
        } else {
            from = Math.max(1, n + 1 + range.last());
            to = n + 1 + range.first();
        }
        return from > to || from > n || to < 1 ? null : new long[] {from, to};
    }

    /** The numbers at positions {@code from..to} of ascending ranges, walking range by range. */
    private static Ranges slice(Ranges ascending, long from, long to) {
        Ranges.Builder out = new Ranges.Builder();
        long position = 0; // position of the number before the current range's first
        for (int i = 0; i < ascending.rangeCount() && position < to; i++) {
            long low = ascending.low(i), high = ascending.high(i);
            long firstHere = position + 1, lastHere = position + (high - low + 1);
            long a = Math.max(from, firstHere), b = Math.min(to, lastHere);
            if (a <= b) out.add(low + (a - firstHere), low + (b - firstHere));
            position = lastHere;
        }
        return out.build();
    }

}
