package dev.letterbox.imap;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Every command the server understands, as the parser produces it. Mailbox names are already
 * decoded (modified UTF-7 or UTF-8, see {@link ImapParser.Context}) to the Unicode the store uses.
 */
public sealed interface ImapCommand {
    String tag();

    /** The command's name for metrics and logs: from a fixed set, never client text. */
    default String name() {
        return getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
    }

    /** The connection states of RFC 3501 §3 a command may need (RFC 9051 §6). */
    enum Needs {
        /** Valid in every state (§6.1). */
        ANY,
        /** Only before login (§6.2): refused once logged in. */
        NOT_AUTHENTICATED,
        /** Logged in, a mailbox selected or not (§6.3). */
        AUTHENTICATED,
        /** A mailbox selected (§6.4). */
        SELECTED
    }

    /** The state this command needs, the one table the session's state check reads. */
    default Needs needs() {
        return switch (this) {
            case Capability c -> Needs.ANY;
            case Noop c -> Needs.ANY;
            case Logout c -> Needs.ANY;
            case Id c -> Needs.ANY;
            case StartTls c -> Needs.NOT_AUTHENTICATED;
            case Authenticate c -> Needs.NOT_AUTHENTICATED;
            case Login c -> Needs.NOT_AUTHENTICATED;
            case Enable c -> Needs.AUTHENTICATED;
            case Compress c -> Needs.AUTHENTICATED;
            case Select c -> Needs.AUTHENTICATED;
            case Create c -> Needs.AUTHENTICATED;
            case Delete c -> Needs.AUTHENTICATED;
            case Rename c -> Needs.AUTHENTICATED;
            case Subscribe c -> Needs.AUTHENTICATED;
            case Unsubscribe c -> Needs.AUTHENTICATED;
            case ListMailboxes c -> Needs.AUTHENTICATED;
            case Lsub c -> Needs.AUTHENTICATED;
            case Namespace c -> Needs.AUTHENTICATED;
            case GetStatus c -> Needs.AUTHENTICATED;
            case Append c -> Needs.AUTHENTICATED;
            case Idle c -> Needs.AUTHENTICATED;
            case GenUrlAuth c -> Needs.AUTHENTICATED;
            case ResetKey c -> Needs.AUTHENTICATED;
            case UrlFetch c -> Needs.AUTHENTICATED;
            case GetQuota c -> Needs.AUTHENTICATED;
            case GetQuotaRoot c -> Needs.AUTHENTICATED;
            case SetQuota c -> Needs.AUTHENTICATED;
            case SetAcl c -> Needs.AUTHENTICATED;
            case DeleteAcl c -> Needs.AUTHENTICATED;
            case GetAcl c -> Needs.AUTHENTICATED;
            case ListRights c -> Needs.AUTHENTICATED;
            case MyRights c -> Needs.AUTHENTICATED;
            case GetMetadata c -> Needs.AUTHENTICATED;
            case SetMetadata c -> Needs.AUTHENTICATED;
            case Notify c -> Needs.AUTHENTICATED;
            case Check c -> Needs.SELECTED;
            case Close c -> Needs.SELECTED;
            case Unselect c -> Needs.SELECTED;
            case Expunge c -> Needs.SELECTED;
            case Search c -> Needs.SELECTED;
            case Sort c -> Needs.SELECTED;
            case CancelUpdate c -> Needs.SELECTED;
            case ThreadMessages c -> Needs.SELECTED;
            case Fetch c -> Needs.SELECTED;
            case Store c -> Needs.SELECTED;
            case Copy c -> Needs.SELECTED;
            case Move c -> Needs.SELECTED;
        };
    }

    /**
     * Whether this form of the command is CONDSTORE-enabling (RFC 7162 §3.1): ENABLE CONDSTORE or
     * QRESYNC, SELECT/EXAMINE (CONDSTORE), STATUS HIGHESTMODSEQ, FETCH MODSEQ or CHANGEDSINCE,
     * STORE UNCHANGEDSINCE, SEARCH and SORT with a MODSEQ criterion. A SELECT that also carries
     * QRESYNC data enables nothing itself: it is refused unless QRESYNC (and so CONDSTORE) is on.
     */
    default boolean enablesCondstore() {
        return switch (this) {
            case Enable c -> c.capabilities().contains("CONDSTORE") || c.capabilities().contains("QRESYNC");
            case Select c -> c.condstore() && c.qresync().isEmpty();
            case GetStatus c -> c.items().contains(StatusItem.HIGHESTMODSEQ);
            case Fetch c -> c.changedSince().isPresent() || c.attrs().contains(FetchAttr.Simple.MODSEQ);
            case Store c -> c.unchangedSince().isPresent();
            case Search c -> c.key().usesModSeq();
            case Sort c -> c.key().usesModSeq();
            default -> false;
        };
    }

    // ---------------------------------------------------------------- any state (RFC 3501 §6.1)
    record Capability(String tag) implements ImapCommand {}

    record Noop(String tag) implements ImapCommand {}

    record Logout(String tag) implements ImapCommand {}

    /** RFC 2971; null parameters is NIL. */
    record Id(String tag, Map<String, String> parameters) implements ImapCommand {}

    /** RFC 4978. */
    record Compress(String tag, String mechanism) implements ImapCommand {}

    // ---------------------------------------------------------------- not authenticated (§6.2)
    record StartTls(String tag) implements ImapCommand {}

    /** {@code initialResponse} is the SASL-IR argument (RFC 4959); "=" stands for an empty one. */
    record Authenticate(String tag, String mechanism, Optional<String> initialResponse) implements ImapCommand {}

    record Login(String tag, String user, char[] password) implements ImapCommand {
        @Override
        public String toString() {
            return "Login[" + tag + " " + user + "]";
        }
    }

    // ---------------------------------------------------------------- authenticated (§6.3)
    /** RFC 5161; capability names upper-cased. */
    record Enable(String tag, List<String> capabilities) implements ImapCommand {}

    /**
     * SELECT / EXAMINE with the RFC 7162 parameters: CONDSTORE, or QRESYNC's known UIDVALIDITY and
     * MODSEQ with optional known UIDs and sequence-match data.
     */
    record Select(String tag, String mailbox, boolean readOnly, boolean condstore, Optional<QResync> qresync)
            implements ImapCommand {
        @Override
        public String name() {
            return readOnly ? "EXAMINE" : "SELECT";
        }
    }

    record QResync(long uidValidity, long modSeq, Optional<SequenceSet> knownUids,
                   Optional<SequenceSet> knownSequence, Optional<SequenceSet> knownSequenceUids) {}

    /** {@code specialUse}: the USE attributes of RFC 6154 §3 CREATE-SPECIAL-USE, e.g. "\Sent". */
    record Create(String tag, String mailbox, List<String> specialUse) implements ImapCommand {}

    record Delete(String tag, String mailbox) implements ImapCommand {}

    record Rename(String tag, String from, String to) implements ImapCommand {}

    record Subscribe(String tag, String mailbox) implements ImapCommand {}

    record Unsubscribe(String tag, String mailbox) implements ImapCommand {}

    /**
     * LIST with RFC 5258 options: {@code selection} (SUBSCRIBED, REMOTE, RECURSIVEMATCH,
     * SPECIAL-USE) and {@code returns} (SUBSCRIBED, CHILDREN, SPECIAL-USE, STATUS with items);
     * {@code extended} when the client used the extended syntax (affects only the response form).
     */
    record ListMailboxes(String tag, String reference, List<String> patterns, List<String> selection,
                         List<String> returns, List<StatusItem> statusItems, boolean extended) implements ImapCommand {
        @Override
        public String name() {
            return "LIST";
        }
    }

    record Lsub(String tag, String reference, String pattern) implements ImapCommand {}

    record Namespace(String tag) implements ImapCommand {}

    record GetStatus(String tag, String mailbox, List<StatusItem> items) implements ImapCommand {
        @Override
        public String name() {
            return "STATUS";
        }
    }

    enum StatusItem {
        MESSAGES, RECENT, UIDNEXT, UIDVALIDITY, UNSEEN, HIGHESTMODSEQ, SIZE, DELETED, DELETED_STORAGE,
        /** RFC 8474 §4.2: answered with an objectid, not a number. */
        MAILBOXID;

        /** The name on the wire, e.g. "DELETED-STORAGE" (RFC 9208 §5.1). */
        public String wireName() {
            return name().replace('_', '-');
        }
    }

    /**
     * APPEND (RFC 3501 §6.3.11) of one message or, with MULTIAPPEND (RFC 3502), several, stored
     * together or not at all. The literals are owned by the handler (the session closes what it
     * leaves).
     */
    record Append(String tag, String mailbox, List<AppendMessage> messages) implements ImapCommand {}

    /**
     * One message of an APPEND: a literal ({@code parts} is one {@link CatPart.Text}), or with
     * {@code catenate} the CATENATE parts (RFC 4469) joined in order. {@code utf8} when sent as RFC
     * 6855 {@code UTF8 (literal8)}.
     */
    record AppendMessage(List<String> flags, Optional<OffsetDateTime> internalDate, boolean utf8, boolean catenate,
                         List<CatPart> parts) {}

    /** A CATENATE part (RFC 4469 §5): literal text or an IMAP URL (RFC 5092) of a message or part of one. */
    sealed interface CatPart {
        record Text(Literal literal) implements CatPart {}

        record Url(String url) implements CatPart {}
    }

    record Idle(String tag) implements ImapCommand {}

    /** RFC 4467 §7.2: each URL rump with the mechanism to sign it with. */
    record GenUrlAuth(String tag, List<UrlToSign> urls) implements ImapCommand {}

    record UrlToSign(String rump, String mechanism) {}

    /** RFC 4467 §7.1: every key of the user, or ({@code mailbox} present) that mailbox's. */
    record ResetKey(String tag, Optional<String> mailbox, List<String> mechanisms) implements ImapCommand {}

    /**
     * RFC 4467 §7.3 URLFETCH; with RFC 5524 a URL may come with parameters (BODY, BINARY,
     * BODYPARTSTRUCTURE, upper-cased), {@code extended} then being true.
     */
    record UrlFetch(String tag, List<UrlToFetch> urls) implements ImapCommand {}

    record UrlToFetch(String url, boolean extended, List<String> params) {}

    record GetQuota(String tag, String root) implements ImapCommand {}

    record GetQuotaRoot(String tag, String mailbox) implements ImapCommand {}

    record SetQuota(String tag, String root) implements ImapCommand {}

    // ---------------------------------------------------------------- access control (RFC 4314)
    /** SETACL; {@code rights} as sent: letters, optionally led by "+" (add) or "-" (remove). */
    record SetAcl(String tag, String mailbox, String identifier, String rights) implements ImapCommand {}

    record DeleteAcl(String tag, String mailbox, String identifier) implements ImapCommand {}

    record GetAcl(String tag, String mailbox) implements ImapCommand {}

    record ListRights(String tag, String mailbox, String identifier) implements ImapCommand {}

    record MyRights(String tag, String mailbox) implements ImapCommand {}

    /**
     * RFC 5464 §4.2 GETMETADATA: {@code mailbox} "" is the server; entry names lower-cased;
     * {@code maxSize} -1 when not limited; {@code depth} 0, 1 or {@link #INFINITY}.
     */
    record GetMetadata(String tag, String mailbox, List<String> entries, long maxSize, int depth) implements ImapCommand {
        public static final int INFINITY = Integer.MAX_VALUE;
    }

    /** RFC 5464 §4.3 SETMETADATA: {@code mailbox} "" is the server. */
    record SetMetadata(String tag, String mailbox, List<MetadataValue> entries) implements ImapCommand {}

    /** An entry name (lower-cased) and its new value; null removes the entry. */
    record MetadataValue(String entry, byte[] value) {}

    /** RFC 5465 NOTIFY: SET with {@code groups}, or NONE (no groups); {@code status} is SET STATUS. */
    record Notify(String tag, boolean status, List<NotifyGroup> groups) implements ImapCommand {}

    /**
     * One event group: the filter (SELECTED, SELECTED-DELAYED, INBOXES, PERSONAL, SUBSCRIBED, SUBTREE,
     * MAILBOXES) with its mailboxes, the events upper-cased (empty for NONE) and MessageNew's fetch items.
     */
    record NotifyGroup(String filter, List<String> mailboxes, List<String> events, List<FetchAttr> fetch) {}

    // ---------------------------------------------------------------- selected (§6.4)
    record Check(String tag) implements ImapCommand {}

    record Close(String tag) implements ImapCommand {}

    record Unselect(String tag) implements ImapCommand {}

    /** EXPUNGE, or UID EXPUNGE (RFC 4315) when {@code uids} is present. */
    record Expunge(String tag, Optional<SequenceSet> uids) implements ImapCommand {
        @Override
        public String name() {
            return uids.isPresent() ? "UID_EXPUNGE" : "EXPUNGE";
        }
    }

    /**
     * SEARCH (and SORT's criteria part). {@code returns} holds RFC 4731 ESEARCH return options
     * (MIN, MAX, ALL, COUNT, SAVE), RFC 5267 UPDATE and RFC 9394 PARTIAL (its range in
     * {@code partial}); empty with {@code esearch} false is the classic SEARCH response.
     */
    record Search(String tag, boolean uid, boolean esearch, List<String> returns, Optional<PartialRange> partial,
                  SearchKey key) implements ImapCommand {
        @Override
        public String name() {
            return uid ? "UID_SEARCH" : "SEARCH";
        }
    }

    /**
     * RFC 5256 SORT; {@code criteria} are upper-case keys, "REVERSE" before the key it reverses.
     * With RFC 5267 ESORT, {@code returns} and {@code partial} as for {@link Search}.
     */
    record Sort(String tag, boolean uid, List<String> criteria, boolean esearch, List<String> returns,
                Optional<PartialRange> partial, SearchKey key) implements ImapCommand {
        @Override
        public String name() {
            return uid ? "UID_SORT" : "SORT";
        }
    }

    /**
     * RFC 9394 partial-range: positions in a result, 1-based, {@code first <= last} in magnitude;
     * both negative when counted from the end (-1 is the last).
     */
    record PartialRange(long first, long last) {
        @Override
        public String toString() {
            return first + ":" + last;
        }
    }

    /** RFC 5267 §4.2 CANCELUPDATE: the tags of the SEARCH/SORT whose updates stop. */
    record CancelUpdate(String tag, List<String> contexts) implements ImapCommand {}

    /** RFC 5256 THREAD with ORDEREDSUBJECT or REFERENCES. */
    record ThreadMessages(String tag, boolean uid, String algorithm, SearchKey key) implements ImapCommand {
        @Override
        public String name() {
            return uid ? "UID_THREAD" : "THREAD";
        }
    }

    /**
     * FETCH with RFC 7162 modifiers: CHANGEDSINCE and (UID FETCH only) VANISHED. {@code macro}
     * names ALL/FAST/FULL when used (only for logs).
     */
    record Fetch(String tag, boolean uid, SequenceSet set, List<FetchAttr> attrs, OptionalLong changedSince,
                 boolean vanished) implements ImapCommand {
        @Override
        public String name() {
            return uid ? "UID_FETCH" : "FETCH";
        }
    }

    record Store(String tag, boolean uid, SequenceSet set, OptionalLong unchangedSince, StoreMode mode,
                 boolean silent, List<String> flags) implements ImapCommand {
        @Override
        public String name() {
            return uid ? "UID_STORE" : "STORE";
        }
    }

    enum StoreMode { ADD, REMOVE, REPLACE }

    record Copy(String tag, boolean uid, SequenceSet set, String mailbox) implements ImapCommand {
        @Override
        public String name() {
            return uid ? "UID_COPY" : "COPY";
        }
    }

    record Move(String tag, boolean uid, SequenceSet set, String mailbox) implements ImapCommand {
        @Override
        public String name() {
            return uid ? "UID_MOVE" : "MOVE";
        }
    }
}
