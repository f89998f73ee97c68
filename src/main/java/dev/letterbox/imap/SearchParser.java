package dev.letterbox.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * Search keys (RFC 3501 §6.4.4 / §9 {@code search-key}, RFC 7162 MODSEQ, RFC 8514, RFC 5032, RFC 8474),
 * bounded in depth and count.
 */
final class SearchParser {
    /** Deepest nesting of NOT/OR/parentheses accepted. */
    static final int MAX_DEPTH = 32;
    /** Most keys in one command. */
    static final int MAX_KEYS = 1000;

    private final Tokens t;
    private int count;

    SearchParser(Tokens t) {
        this.t = t;
    }

    /** 1*(key) separated by spaces, to the end of the command: all must match. */
    SearchKey keys() throws ImapSyntaxException {
        List<SearchKey> keys = new ArrayList<>();
        do {
            keys.add(key(0));
        } while (t.trySp());
        return keys.size() == 1 ? keys.get(0) : new SearchKey.And(List.copyOf(keys));
    }

    private SearchKey key(int depth) throws ImapSyntaxException {
        if (depth > MAX_DEPTH) throw new ImapSyntaxException("search keys nested too deeply");
        if (++count > MAX_KEYS) throw new ImapSyntaxException("too many search keys");
        int b = t.peek();
        if (b == '(') {
            t.expect('(');
            List<SearchKey> keys = new ArrayList<>();
            do {
                keys.add(key(depth + 1));
            } while (t.trySp());
            t.expect(')');
            return keys.size() == 1 ? keys.get(0) : new SearchKey.And(List.copyOf(keys));
        }
        if ((b >= '0' && b <= '9') || b == '*' || b == '$') return new SearchKey.Sequence(t.sequenceSet());
        String name = t.atomUpper();
        return switch (name) {
            case "ALL" -> SearchKey.Simple.ALL;
            case "ANSWERED" -> SearchKey.Simple.ANSWERED;
            case "DELETED" -> SearchKey.Simple.DELETED;
            case "DRAFT" -> SearchKey.Simple.DRAFT;
            case "FLAGGED" -> SearchKey.Simple.FLAGGED;
            case "NEW" -> SearchKey.Simple.NEW;
            case "OLD" -> SearchKey.Simple.OLD;
            case "RECENT" -> SearchKey.Simple.RECENT;
            case "SEEN" -> SearchKey.Simple.SEEN;
            case "UNANSWERED" -> SearchKey.Simple.UNANSWERED;
            case "UNDELETED" -> SearchKey.Simple.UNDELETED;
            case "UNDRAFT" -> SearchKey.Simple.UNDRAFT;
            case "UNFLAGGED" -> SearchKey.Simple.UNFLAGGED;
            case "UNSEEN" -> SearchKey.Simple.UNSEEN;
            case "KEYWORD" -> new SearchKey.Keyword(spAtom(), true);
            case "UNKEYWORD" -> new SearchKey.Keyword(spAtom(), false);
            case "BCC", "CC", "FROM", "SUBJECT", "TO" -> new SearchKey.Header(headerName(name), spAstring());
            case "HEADER" -> {
                String field = spAstring();
                yield new SearchKey.Header(field, spAstring());
            }
            case "BODY" -> new SearchKey.Body(spAstring());
            case "TEXT" -> new SearchKey.Text(spAstring());
            case "BEFORE" -> date(false, SearchKey.Comparison.BEFORE);
            case "ON" -> date(false, SearchKey.Comparison.ON);
            case "SINCE" -> date(false, SearchKey.Comparison.SINCE);
            case "SENTBEFORE" -> date(true, SearchKey.Comparison.BEFORE);
            case "SENTON" -> date(true, SearchKey.Comparison.ON);
            case "SENTSINCE" -> date(true, SearchKey.Comparison.SINCE);
            case "LARGER" -> {
                t.sp();
                yield new SearchKey.Size(true, t.number(Long.MAX_VALUE));
            }
            case "SMALLER" -> {
                t.sp();
                yield new SearchKey.Size(false, t.number(Long.MAX_VALUE));
            }
            case "NOT" -> {
                t.sp();
                yield new SearchKey.Not(key(depth + 1));
            }
            case "OR" -> {
                t.sp();
                SearchKey left = key(depth + 1);
                t.sp();
                yield new SearchKey.Or(left, key(depth + 1));
            }
            case "UID" -> {
                t.sp();
                yield new SearchKey.Uid(t.sequenceSet());
            }
            case "MODSEQ" -> modSeq();
            case "SAVEDBEFORE" -> savedDate(SearchKey.Comparison.BEFORE);
            case "SAVEDON" -> savedDate(SearchKey.Comparison.ON);
            case "SAVEDSINCE" -> savedDate(SearchKey.Comparison.SINCE);
            case "SAVEDATESUPPORTED" -> new SearchKey.SaveDateSupported();
            case "YOUNGER", "OLDER" -> {
                t.sp();
                yield new SearchKey.Age(name.equals("YOUNGER"), t.nzNumber());
            }
            case "EMAILID", "THREADID" -> new SearchKey.ObjectId(name.equals("THREADID"), objectId());
            default -> throw new ImapSyntaxException("unknown search key " + ImapParser.printable(name));
        };
    }

    private static String headerName(String key) {
        return switch (key) {
            case "BCC" -> "Bcc";
            case "CC" -> "Cc";
            case "FROM" -> "From";
            case "SUBJECT" -> "Subject";
            default -> "To";
        };
    }

    private String spAtom() throws ImapSyntaxException {
        t.sp();
        return t.atom();
    }

    private String spAstring() throws ImapSyntaxException {
        t.sp();
        return t.astring();
    }

    private SearchKey date(boolean sent, SearchKey.Comparison comparison) throws ImapSyntaxException {
        t.sp();
        String text = t.peek() == '"' ? t.string() : t.atom();
        return new SearchKey.Date(sent, comparison, ImapDates.date(text));
    }

    private SearchKey savedDate(SearchKey.Comparison comparison) throws ImapSyntaxException {
        t.sp();
        String text = t.peek() == '"' ? t.string() : t.atom();
        return new SearchKey.SavedDate(comparison, ImapDates.date(text));
    }

    /** objectid (RFC 8474 §8): 1*255 of ALPHA / DIGIT / "_" / "-". */
    private String objectId() throws ImapSyntaxException {
        t.sp();
        String id = t.run(b -> (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '-');
        if (id.isEmpty() || id.length() > 255) throw new ImapSyntaxException("invalid object id");
        return id;
    }

    /** MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer (RFC 7162 §3.1.5). */
    private SearchKey modSeq() throws ImapSyntaxException {
        t.sp();
        if (t.peek() == '"') {
            t.string(); // entry name: per-flag MODSEQs are not kept apart, so the message's MODSEQ answers
            t.sp();
            String type = t.atomUpper();
            if (!type.equals("PRIV") && !type.equals("SHARED") && !type.equals("ALL")) {
                throw new ImapSyntaxException("invalid MODSEQ entry type");
            }
            t.sp();
        }
        return new SearchKey.ModSeq(t.modSeq());
    }
}
