package dev.letterbox.imap.server;

import dev.letterbox.imap.Ranges;
import dev.letterbox.imap.SearchKey;
import dev.letterbox.imap.SequenceSet;
import dev.letterbox.message.HeaderKeys;
import dev.letterbox.message.MessageSearch;
import dev.letterbox.message.MessageStructure;
import dev.letterbox.message.UnicodeCasemap;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailboxIndex;
import dev.letterbox.store.MessageMeta;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates a search key (RFC 3501 §6.4.4, RFC 9051 §6.4.4) over the selected view, a page of
 * messages at a time. Keys on flags, sizes, dates and numbers are answered from the store's
 * metadata; FROM, TO, CC, BCC, SUBJECT (and HEADER on those) and SENT* from each message's
 * {@link HeaderKeys}, kept on this node ({@link HeaderKeyCache}); other header and text keys read the
 * parsed structure and the blob (decoded encoded words, decoded and charset-converted text parts), only
 * for messages the cheap keys did not rule out. Strings match as case-insensitive substrings.
 */
final class SearchEvaluator {
    private static final int PAGE = 500;
    /** Messages copied from the index per call (under its lock, so not too many at once). */
    private static final int INDEX_PAGE = 4096;
    private static final long MILLIS_PER_DAY = 86_400_000L;
    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";
    private static final Pattern DATE = Pattern.compile("(\\d{1,2})\\s+([A-Za-z]{3})[A-Za-z]*\\.?\\s+(\\d{2,4})");

    private final CommandContext ctx;
    private final SelectedMailbox view;
    private final SearchKey key;
    /** BODY, TEXT and HEADER on a field {@link HeaderKeys} does not keep: the structure and the blob. */
    private final boolean needsStructure;
    /** Header keys answered from {@link HeaderKeys}. */
    private final boolean needsKeys;
    /** SAVEDATE and EMAILID keys read the store's row (the index keeps neither), as do structure keys. */
    private final boolean needsRow;
    /** The last needle folded, and its folded form: a command folds its strings once, not once a message. */
    private String lastNeedle, lastFolded;
    /** RFC 5032: YOUNGER/OLDER count back from when the command runs, once for every message. */
    private final long now = System.currentTimeMillis();
    /** Sequence sets resolved once per command, not once per message (by number and by UID). */
    private final java.util.Map<SequenceSet, Ranges> resolvedMsns = new java.util.HashMap<>();
    private final java.util.Map<SequenceSet, Ranges> resolvedUids = new java.util.HashMap<>();

    /**
     * One message being tested; the structure and blob are loaded only when a key needs them. From the
     * index, one candidate is refilled for each message ({@code meta} is then null: no key reads it).
     */
    private final class Candidate {
        long uid, modSeq, internalDate, size;
        Flags flags;
        MessageMeta meta;
        int msn;
        MessageStructure structure;
        boolean structureLoaded;
        HeaderKeys keys;

        Candidate(MessageMeta meta, int msn, MessageStructure structure) {
            this.meta = meta;
            this.uid = meta.uid();
            this.modSeq = meta.modSeq();
            this.flags = meta.flags();
            this.internalDate = meta.internalDate().toEpochMilli();
            this.size = meta.size();
            this.msn = msn;
            this.structure = structure;
            this.structureLoaded = structure != null;
        }

        Candidate() {
        }

        MessageStructure structure() throws IOException {
            if (!structureLoaded) {
                structure = Structures.parse(ctx.blobs(), meta.blob());
                structureLoaded = true;
            }
            return structure;
        }

        /** This message's keys; {@link NoSuchFileException} when it is gone. */
        HeaderKeys keys() throws IOException {
            if (keys == null) keys = ctx.headerKeys().of(ctx, view, new long[] {uid})[0];
            if (keys == null) throw new NoSuchFileException("message " + uid);
            return keys;
        }
    }

    SearchEvaluator(CommandContext ctx, SelectedMailbox view, SearchKey key) {
        this.ctx = ctx;
        this.view = view;
        this.key = key;
        this.needsStructure = needsStructure(key);
        this.needsKeys = needsKeys(key);
        this.needsRow = needsStructure || needsRow(key);
    }

    /** One page read: the candidates still in the running and the last UID looked at (0: none left). */
    private record Page(List<Candidate> candidates, long lastUid) {}

    /** Receives a matching message; its {@code modSeq} may be 0 when the key does not involve MODSEQ. */
    @FunctionalInterface
    interface Match {
        void found(long uid, long modSeq);
    }

    /** Receives a matching message with its MODSEQ, INTERNALDATE (epoch milliseconds) and RFC822.SIZE. */
    @FunctionalInterface
    interface Found {
        void found(long uid, long modSeq, long internalDate, long size);
    }

    /**
     * Calls {@code match} for every matching message, ascending by UID. Keys on flags, sizes, dates
     * and numbers alone are answered from the mailbox's index in memory; others read the store.
     */
    void run(Match match) {
        int flag = needsRow ? 0 : singleFlag(key);
        // a grantee's \Seen is its own, not in the owner's index: that one goes the long way below
        if (Math.abs(flag) == Flags.SEEN && view.privateSeen != null) flag = 0;
        if (flag != 0) { // SEARCH UNSEEN and the like: one pass over the index's flag ids, no per-message copy
            long[] uids = flag > 0 ? view.index.uidsWithFlag(flag) : view.index.uidsWithoutFlag(-flag);
            for (long uid : uids) if (view.uids.contains(uid)) match.found(uid, 0);
            return;
        }
        run((uid, modSeq, internalDate, size) -> match.found(uid, modSeq));
    }

    /**
     * As {@link #run(Match)}, with each match's INTERNALDATE and size. Metadata keys and the header
     * keys {@link HeaderKeys} answers are evaluated over the index in memory; others read the store.
     */
    void run(Found match) {
        if (needsRow) {
            runOnStore(m -> match.found(m.uid(), m.modSeq(), m.internalDate().toEpochMilli(), m.size()));
            return;
        }
        MailboxIndex.Page page = new MailboxIndex.Page((int) Math.min(INDEX_PAGE, Math.max(1, view.uids.size())));
        Candidate c = new Candidate();
        long max = view.uids.maxUid();
        long from = 1;
        while (from <= max) {
            view.index.read(from, max, page);
            HeaderKeys[] keys = needsKeys ? keysOf(page) : null;
            for (int i = 0; i < page.count; i++) {
                c.uid = page.uids[i];
                c.msn = view.uids.msnOf(c.uid);
                if (c.msn == 0) continue;
                c.modSeq = page.modSeqs[i];
                c.flags = page.flags[i];
                c.internalDate = page.internalDates[i];
                c.size = page.sizes[i];
                c.keys = keys == null ? null : keys[i];
                if (needsKeys && c.keys == null) continue; // gone since the index was read: matches nothing
                try {
                    if (matches(key, c)) match.found(c.uid, c.modSeq, c.internalDate, c.size);
                } catch (IOException e) {
                    throw new IllegalStateException("a key read a message the index path cannot read", e); // cannot happen
                }
            }
            if (page.count < page.capacity()) break;
            from = page.uids[page.count - 1] + 1;
        }
    }

    /** The keys of a page's messages in the view, by position in the page (null for the others). */
    private HeaderKeys[] keysOf(MailboxIndex.Page page) {
        long[] inView = new long[page.count];
        int n = 0;
        for (int i = 0; i < page.count; i++) if (view.uids.contains(page.uids[i])) inView[n++] = page.uids[i];
        HeaderKeys[] found;
        try {
            found = ctx.headerKeys().of(ctx, view, java.util.Arrays.copyOf(inView, n));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        HeaderKeys[] out = new HeaderKeys[page.count];
        for (int i = 0, k = 0; i < page.count && k < n; i++) if (page.uids[i] == inView[k]) out[i] = found[k++];
        return out;
    }

    /** Calls {@code match} for every matching message, ascending by UID, read from the store. */
    void runOnStore(Consumer<MessageMeta> match) {
        long max = view.uids.maxUid();
        long from = 1;
        while (from <= max) {
            long f = from;
            Page page = ctx.store(view.ownerId).read(tx -> {
                List<Candidate> out = new ArrayList<>();
                long last = 0;
                java.util.Map<Long, byte[]> stored = needsStructure ? tx.structures(view.id, f, max, PAGE) : java.util.Map.of();
                for (MessageMeta m : tx.messages(view.id, f, max, PAGE)) {
                    last = m.uid();
                    int msn = view.uids.msnOf(m.uid());
                    if (msn == 0) continue;
                    Candidate c = new Candidate(m, msn, null);
                    if (needsStructure) {
                        // the structure costs a row read and a decode: not for messages a flag already rules out
                        if (failsCheapKeys(key, c)) continue;
                        c.structure = Structures.decode(stored.get(m.uid()));
                        c.structureLoaded = c.structure != null;
                    }
                    out.add(c);
                }
                return new Page(out, last);
            });
            if (needsKeys && !page.candidates().isEmpty()) { // one read for the page's misses, not one a message
                long[] uids = page.candidates().stream().mapToLong(c -> c.uid).toArray();
                HeaderKeys[] keys;
                try {
                    keys = ctx.headerKeys().of(ctx, view, uids);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                for (int i = 0; i < keys.length; i++) page.candidates().get(i).keys = keys[i];
            }
            for (Candidate c : page.candidates()) {
                try {
                    if (matches(key, c)) match.accept(c.meta);
                } catch (IOException e) {
                    // the message's bytes are gone (expunged elsewhere): it matches nothing
                }
            }
            if (page.lastUid() == 0) break;
            from = page.lastUid() + 1;
        }
    }

    /** True when a conjunction's metadata-only keys already fail, so the content keys need not run. */
    private boolean failsCheapKeys(SearchKey k, Candidate c) {
        if (!(k instanceof SearchKey.And a)) return false;
        try {
            for (SearchKey sub : a.keys()) if (!expensive(sub) && !matches(sub, c)) return true;
        } catch (IOException e) {
            return false; // metadata keys read nothing; evaluate fully later
        }
        return false;
    }

    /**
     * A key that is one system flag, alone or the only key of a list: the flag's bit when the flag
     * must be set (SEEN), minus the bit when it must not (UNSEEN), 0 for any other key.
     */
    private static int singleFlag(SearchKey key) {
        if (key instanceof SearchKey.And a && a.keys().size() == 1) return singleFlag(a.keys().getFirst());
        if (!(key instanceof SearchKey.Simple simple)) return 0;
        return switch (simple) {
            case ANSWERED -> Flags.ANSWERED;
            case DELETED -> Flags.DELETED;
            case DRAFT -> Flags.DRAFT;
            case FLAGGED -> Flags.FLAGGED;
            case SEEN -> Flags.SEEN;
            case UNANSWERED -> -Flags.ANSWERED;
            case UNDELETED -> -Flags.DELETED;
            case UNDRAFT -> -Flags.DRAFT;
            case UNFLAGGED -> -Flags.FLAGGED;
            case UNSEEN -> -Flags.SEEN;
            case ALL, NEW, OLD, RECENT -> 0; // per session (\Recent) or no flag at all
        };
    }

    /** A key that reads more than the index: the message's keys, structure or bytes. */
    private static boolean expensive(SearchKey key) {
        return needsStructure(key) || needsKeys(key);
    }

    private static boolean needsStructure(SearchKey key) {
        return switch (key) {
            case SearchKey.Header h -> !HeaderKeys.answers(h.field());
            case SearchKey.Body b -> true;
            case SearchKey.Text t -> true;
            case SearchKey.Not n -> needsStructure(n.key());
            case SearchKey.Or o -> needsStructure(o.left()) || needsStructure(o.right());
            case SearchKey.And a -> a.keys().stream().anyMatch(SearchEvaluator::needsStructure);
            default -> false;
        };
    }

    private static boolean needsKeys(SearchKey key) {
        return switch (key) {
            case SearchKey.Header h -> HeaderKeys.answers(h.field());
            case SearchKey.Date d -> d.sent();
            case SearchKey.Not n -> needsKeys(n.key());
            case SearchKey.Or o -> needsKeys(o.left()) || needsKeys(o.right());
            case SearchKey.And a -> a.keys().stream().anyMatch(SearchEvaluator::needsKeys);
            default -> false;
        };
    }

    private static boolean needsRow(SearchKey key) {
        return switch (key) {
            case SearchKey.SavedDate d -> true;
            case SearchKey.ObjectId o -> !o.thread();
            case SearchKey.Not n -> needsRow(n.key());
            case SearchKey.Or o -> needsRow(o.left()) || needsRow(o.right());
            case SearchKey.And a -> a.keys().stream().anyMatch(SearchEvaluator::needsRow);
            default -> false;
        };
    }

    private boolean matches(SearchKey k, Candidate c) throws IOException {
        Flags f = view.shown(c.uid, c.flags);
        return switch (k) {
            case SearchKey.Simple simple -> switch (simple) {
                case ALL -> true;
                case ANSWERED -> f.has(Flags.ANSWERED);
                case DELETED -> f.has(Flags.DELETED);
                case DRAFT -> f.has(Flags.DRAFT);
                case FLAGGED -> f.has(Flags.FLAGGED);
                case SEEN -> f.has(Flags.SEEN);
                case UNANSWERED -> !f.has(Flags.ANSWERED);
                case UNDELETED -> !f.has(Flags.DELETED);
                case UNDRAFT -> !f.has(Flags.DRAFT);
                case UNFLAGGED -> !f.has(Flags.FLAGGED);
                case UNSEEN -> !f.has(Flags.SEEN);
                case RECENT -> view.isRecent(c.uid);
                case NEW -> view.isRecent(c.uid) && !f.has(Flags.SEEN);
                case OLD -> !view.isRecent(c.uid);
            };
            case SearchKey.Keyword kw -> f.hasKeyword(kw.keyword()) == kw.present();
            case SearchKey.Size size -> size.larger() ? c.size > size.octets() : c.size < size.octets();
            case SearchKey.ModSeq ms -> c.modSeq >= ms.modSeq();
            case SearchKey.Uid u -> uidSet(u.set()).contains(c.uid);
            case SearchKey.Sequence q -> q.set().isSaved()
                    ? view.savedSearch != null && view.savedSearch.contains(c.uid)
                    : resolvedMsns.computeIfAbsent(q.set(), set -> set.resolve(view.uids.size())).contains(c.msn);
            case SearchKey.Date d -> d.sent() ? compare(d, sentDate(c))
                    : compareDay(d.comparison(), d.date(), Math.floorDiv(c.internalDate, MILLIS_PER_DAY));
            case SearchKey.SavedDate d -> compareDay(d.comparison(), d.date(),
                    Math.floorDiv(c.meta.savedDate().toEpochMilli(), MILLIS_PER_DAY));
            case SearchKey.SaveDateSupported d -> true;
            case SearchKey.Age a -> a.younger() ? c.internalDate >= now - a.seconds() * 1000
                    : c.internalDate < now - a.seconds() * 1000;
            // no threads are stored, so every THREADID is NIL (RFC 8474 §5.2) and matches no id
            case SearchKey.ObjectId o -> !o.thread() && ObjectIds.email(c.meta.blob()).equals(o.id());
            case SearchKey.Not n -> !matches(n.key(), c);
            case SearchKey.Or o -> matches(o.left(), c) || matches(o.right(), c);
            case SearchKey.And a -> {
                for (SearchKey sub : a.keys()) if (!expensive(sub) && !matches(sub, c)) yield false; // cheap keys first
                for (SearchKey sub : a.keys()) if (expensive(sub) && !matches(sub, c)) yield false;
                yield true;
            }
            case SearchKey.Header h -> header(c, h.field(), h.value());
            case SearchKey.Body b -> {
                try (SeekableByteChannel ch = ctx.blobs().openChannel(c.meta.blob())) {
                    yield MessageSearch.bodyContains(ch, c.structure(), b.value());
                }
            }
            case SearchKey.Text t -> {
                try (SeekableByteChannel ch = ctx.blobs().openChannel(c.meta.blob())) {
                    yield MessageSearch.textContains(ch, c.structure(), t.value());
                }
            }
        };
    }

    private Ranges uidSet(SequenceSet set) {
        if (set.isSaved()) return view.savedSearch == null ? Ranges.EMPTY : view.savedSearch;
        return resolvedUids.computeIfAbsent(set, s -> s.resolve(view.uids.maxUid()));
    }

    /** RFC 3501: a zero-length string matches every message that has the field at all. */
    private boolean header(Candidate c, String field, String needle) throws IOException {
        if (HeaderKeys.answers(field)) return c.keys().fieldMatches(field, folded(needle));
        List<String> values;
        BlobStore blobs = ctx.blobs();
        try (java.io.InputStream in = blobs.open(c.meta.blob())) {
            values = MessageSearch.headerValues(in, c.structure(), field);
        }
        if (values.isEmpty()) return false;
        if (needle.isEmpty()) return true;
        String n = folded(needle);
        for (String v : values) if (fold(v).contains(n)) return true;
        return false;
    }

    private String folded(String needle) {
        if (!needle.equals(lastNeedle)) {
            lastFolded = fold(needle);
            lastNeedle = needle;
        }
        return lastFolded;
    }

    /** i;unicode-casemap (RFC 5051), the collation SEARCH uses under I18NLEVEL=1 (RFC 5255). */
    static String fold(String s) {
        return UnicodeCasemap.key(s);
    }

    private static boolean compare(SearchKey.Date d, LocalDate date) {
        return date != null && compareDay(d.comparison(), d.date(), date.toEpochDay());
    }

    /**
     * BEFORE/ON/SINCE on a day counted from 1970-01-01 (INTERNALDATE's or SAVEDATE's day in UTC, as
     * FETCH shows them).
     */
    private static boolean compareDay(SearchKey.Comparison comparison, LocalDate date, long epochDay) {
        long day = date.toEpochDay();
        return switch (comparison) {
            case BEFORE -> epochDay < day;
            case ON -> epochDay == day;
            case SINCE -> epochDay >= day;
        };
    }

    /** The Date: header's own calendar day, disregarding time and zone (RFC 3501 SENTBEFORE/ON/SINCE). */
    private LocalDate sentDate(Candidate c) throws IOException {
        HeaderKeys keys = c.keys();
        if (keys.firstDateValue() != null) {
            LocalDate d = headerDate(keys.firstDateValue());
            if (d != null) return d;
        }
        return keys.sentDate() == null ? null : keys.sentDate().atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** "Tue, 1 Feb 1994 21:52:25 -0800" gives 1994-02-01; null when no date is recognisable. */
    static LocalDate headerDate(String value) {
        Matcher m = DATE.matcher(value);
        if (!m.find()) return null;
        try {
            int day = Integer.parseInt(m.group(1));
            int month = MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT)) / 3 + 1;
            if (MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT)) % 3 != 0) return null;
            int year = Integer.parseInt(m.group(3));
            if (m.group(3).length() == 2) year += year < 50 ? 2000 : 1900;
            else if (m.group(3).length() == 3) year += 1900;
            return LocalDate.of(year, month, day);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
