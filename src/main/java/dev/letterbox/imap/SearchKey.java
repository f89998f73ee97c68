package dev.letterbox.imap;

import java.time.LocalDate;
import java.util.List;

/**
 * A search criterion tree (RFC 3501 §6.4.4, RFC 9051 §6.4.4, RFC 7162 MODSEQ, RFC 8514 SAVEDATE,
 * RFC 5032 WITHIN, RFC 8474 OBJECTID).
 */
public sealed interface SearchKey {
    /** Whether the tree has a MODSEQ criterion anywhere (RFC 7162 §3.1.5: it enables CONDSTORE). */
    default boolean usesModSeq() {
        return switch (this) {
            case ModSeq m -> true;
            case Not n -> n.key().usesModSeq();
            case Or o -> o.left().usesModSeq() || o.right().usesModSeq();
            case And a -> a.keys().stream().anyMatch(SearchKey::usesModSeq);
            default -> false;
        };
    }

    /** Keys on flags and sequence position that need no argument. */
    enum Simple implements SearchKey {
        ALL, ANSWERED, DELETED, DRAFT, FLAGGED, NEW, OLD, RECENT, SEEN,
        UNANSWERED, UNDELETED, UNDRAFT, UNFLAGGED, UNSEEN
    }

    record Keyword(String keyword, boolean present) implements SearchKey {}

    /** BCC, CC, FROM, SUBJECT, TO and HEADER: the decoded field value contains {@code value}. */
    record Header(String field, String value) implements SearchKey {}

    record Body(String value) implements SearchKey {}

    record Text(String value) implements SearchKey {}

    /** BEFORE/ON/SINCE (internal date) and SENTBEFORE/SENTON/SENTSINCE (Date: header). */
    record Date(boolean sent, Comparison comparison, LocalDate date) implements SearchKey {}

    enum Comparison { BEFORE, ON, SINCE }

    /** LARGER n ({@code larger} true) or SMALLER n. */
    record Size(boolean larger, long octets) implements SearchKey {}

    record Not(SearchKey key) implements SearchKey {}

    record Or(SearchKey left, SearchKey right) implements SearchKey {}

    /** A parenthesised list or the top level: every key must match. */
    record And(List<SearchKey> keys) implements SearchKey {}

    record Uid(SequenceSet set) implements SearchKey {}

    record Sequence(SequenceSet set) implements SearchKey {}

    /** MODSEQ [entry-name entry-type] n (RFC 7162 §3.1.5): messages with MODSEQ at or above n. */
    record ModSeq(long modSeq) implements SearchKey {}

    /** SAVEDBEFORE/SAVEDON/SAVEDSINCE (RFC 8514 §4.2): the day the message was saved to this mailbox. */
    record SavedDate(Comparison comparison, LocalDate date) implements SearchKey {}

    /** SAVEDATESUPPORTED (RFC 8514 §4.2): every mailbox here keeps save dates, so it matches all. */
    record SaveDateSupported() implements SearchKey {}

    /** YOUNGER n ({@code younger} true) or OLDER n (RFC 5032): INTERNALDATE within / before the last n seconds. */
    record Age(boolean younger, long seconds) implements SearchKey {}

    /** EMAILID / THREADID objectid (RFC 8474 §6). */
    record ObjectId(boolean thread, String id) implements SearchKey {}
}
