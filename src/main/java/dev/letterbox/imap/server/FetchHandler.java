package dev.letterbox.imap.server;

import dev.letterbox.imap.FetchAttr;
import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.Ranges;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.imap.SequenceSet;
import dev.letterbox.message.MessagePreview;
import dev.letterbox.message.MessageStructure;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.FlagUpdate;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailboxIndex;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * FETCH and UID FETCH (RFC 3501 §6.4.5 / §6.4.8, RFC 9051 §6.4.5), with CONDSTORE's MODSEQ and
 * CHANGEDSINCE and QRESYNC's VANISHED (RFC 7162 §3.1.4, §3.2.6), BINARY (RFC 3516), SAVEDATE
 * (RFC 8514 §4.1), EMAILID and THREADID (RFC 8474 §5) and PREVIEW (RFC 8970 §3).
 *
 * <p>Messages are read from the store a page at a time; each page's transaction ends before its
 * responses are written, so a slow client never holds the database. Bodies stream from the blob.
 * A body fetch without .PEEK sets \Seen first and reports the new FLAGS in the same response.
 */
final class FetchHandler {
    private static final int LIGHT_PAGE = 1000;
    private static final int HEAVY_PAGE = 100;
    static final DateTimeFormatter INTERNALDATE =
            DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private FetchHandler() {}

    /** What a FETCH needs read; {@code flags}: FLAGS is asked for. */
    private record Plan(boolean needsStructure, boolean needsBlob, boolean needsRow, boolean setsSeen, boolean uid,
                        boolean modSeq, boolean flags) {
        static Plan of(ImapCommand.Fetch c, boolean condstore, boolean readOnly) {
            boolean structure = false, blob = false, seen = false, row = false;
            for (FetchAttr a : c.attrs()) {
                switch (a) {
                    case FetchAttr.Simple s -> {
                        switch (s) {
                            case ENVELOPE, BODY, BODYSTRUCTURE -> structure = true;
                            case RFC822_HEADER -> {
                                structure = true;
                                blob = true;
                            }
                            case RFC822_TEXT -> {
                                structure = true;
                                blob = true;
                                seen = true;
                            }
                            case RFC822 -> {
                                blob = true;
                                seen = true;
                            }
                            case PREVIEW -> {
                                structure = true;
                                blob = true;
                            }
                            case SAVEDATE, EMAILID -> row = true; // not in the mailbox's index
                            default -> { }
                        }
                    }
                    case FetchAttr.BodySection b -> {
                        blob = true;
                        structure |= b.section().part().length > 0 || b.section().kind() != FetchAttr.Section.Kind.ALL;
                        seen |= !b.peek();
                    }
                    case FetchAttr.Binary b -> {
                        blob = true;
                        structure |= b.part().length > 0;
                        seen |= !b.peek();
                    }
                    case FetchAttr.BinarySize b -> {
                        blob = true;
                        structure = true;
                    }
                }
            }
            boolean uid = c.uid() || c.attrs().contains(FetchAttr.Simple.UID);
            boolean modSeq = condstore && (c.changedSince().isPresent() || c.attrs().contains(FetchAttr.Simple.MODSEQ));
            return new Plan(structure, blob, row, seen && !readOnly, uid, modSeq, c.attrs().contains(FetchAttr.Simple.FLAGS));
        }
    }

    /**
     * One message of a page: its flags (updated if \Seen was set), INTERNALDATE and size, and, when
     * the plan reads the message itself, its blob and structure (else {@code blob} is null).
     */
    private static final class Item {
        final long uid;
        long modSeq;
        Flags flags;
        final long internalDate;
        final long size;
        final BlobId blob;
        /** When it was saved to this mailbox; null when read from the index. */
        Instant savedDate;
        MessageStructure structure;
        boolean flagsChanged;

        Item(MessageMeta meta, MessageStructure structure) {
            this(meta.uid(), meta.modSeq(), meta.flags(), meta.internalDate().toEpochMilli(), meta.size(), meta.blob());
            this.structure = structure;
            this.savedDate = meta.savedDate();
        }

        Item(long uid, long modSeq, Flags flags, long internalDate, long size, BlobId blob) {
            this.uid = uid;
            this.modSeq = modSeq;
            this.flags = flags;
            this.internalDate = internalDate;
            this.size = size;
            this.blob = blob;
        }

        void changed(MessageMeta m) {
            modSeq = m.modSeq();
            flags = m.flags();
            flagsChanged = true;
        }
    }

    /** A page read from the index: the messages of the view in it, how many the read returned and the last UID. */
    private record Batch(List<Item> items, int read, long lastUid) {}

    /** The transfer encoding of a BINARY part is unknown: the command fails with [UNKNOWN-CTE]. */
    private static final class UnknownCte extends RuntimeException {
        UnknownCte() {
            super(null, null, false, false);
        }
    }

    static Done fetch(CommandContext ctx, ImapCommand.Fetch c) throws IOException {
        SelectedMailbox view = ctx.selected();
        if (c.vanished() && !ctx.enabled.qresync) return Done.bad("VANISHED needs ENABLE QRESYNC first");
        MessageSets.Resolved r = MessageSets.resolve(view, c.uid(), c.set());
        if (r.error() != null) return Done.bad(r.error());
        if (c.vanished()) vanished(ctx, view, c.set(), c.changedSince().getAsLong());
        Plan plan = Plan.of(c, ctx.enabled.condstore, view.readOnly);
        boolean light = !plan.needsStructure && !plan.needsBlob && !plan.needsRow; // all in the mailbox's index
        // sized to the request: most FETCHes name a message or a few, and a page is five arrays
        MailboxIndex.Page indexPage = light ? new MailboxIndex.Page((int) Math.max(1, Math.min(LIGHT_PAGE, r.uids().size()))) : null;
        long found = 0;
        try {
            if (light) {
                for (int i = 0; i < r.uids().rangeCount(); i++) {
                    long from = r.uids().low(i), to = r.uids().high(i);
                    while (from <= to) {
                        Batch batch = readIndex(view, from, to, indexPage);
                        found += emit(ctx, view, c, plan, batch.items());
                        if (batch.read() < indexPage.capacity()) break;
                        from = batch.lastUid() + 1;
                    }
                }
            } else {
                // pages of the requested UIDs, whatever ranges they fall in: one store query a page
                long[] uids = new long[(int) Math.min(HEAVY_PAGE, r.uids().size())];
                int n = 0;
                for (int i = 0; i < r.uids().rangeCount(); i++) {
                    for (long uid = r.uids().low(i); uid <= r.uids().high(i); uid++) {
                        uids[n++] = uid;
                        if (n < uids.length) continue;
                        found += emit(ctx, view, c, plan, readPage(ctx, view, uids, plan));
                        n = 0;
                    }
                }
                if (n > 0) found += emit(ctx, view, c, plan, readPage(ctx, view, java.util.Arrays.copyOf(uids, n), plan));
            }
        } catch (UnknownCte e) {
            return Done.no(ResponseCode.unknownCte(), "Unknown Content-Transfer-Encoding");
        }
        if (!c.uid() && found < r.uids().size()) {
            // RFC 2180 §4.1.2: messages expunged by another session, not yet reported here
            return Done.no(ResponseCode.expungeIssued(), "Some of the requested messages no longer exist");
        }
        return Done.ok("FETCH completed");
    }

    /** RFC 7162 §3.2.6: VANISHED (EARLIER) for requested UIDs expunged after CHANGEDSINCE. */
    private static void vanished(CommandContext ctx, SelectedMailbox view, SequenceSet set, long since) throws IOException {
        Ranges gone = ctx.store(view.ownerId).read(tx -> Vanished.since(tx, view.id, since));
        if (gone.isEmpty()) return;
        Ranges requested = set.isSaved() ? Ranges.EMPTY : set.resolve(Math.max(gone.max(), view.uids.maxUid()));
        Ranges hit = gone.intersect(requested);
        if (!hit.isEmpty()) ctx.out.star().atom("VANISHED").open().atom("EARLIER").close().atom(hit.toString()).end();
    }

    /** UID, FLAGS, MODSEQ, INTERNALDATE and RFC822.SIZE: from the mailbox's index, in memory. */
    private static Batch readIndex(SelectedMailbox view, long from, long to, MailboxIndex.Page page) {
        view.index.read(from, to, page);
        List<Item> out = new ArrayList<>(page.count);
        for (int i = 0; i < page.count; i++) {
            long uid = page.uids[i];
            if (view.uids.contains(uid)) {
                out.add(new Item(uid, page.modSeqs[i], page.flags[i], page.internalDates[i], page.sizes[i], null));
            }
        }
        return new Batch(out, page.count, page.count == 0 ? to : page.uids[page.count - 1]);
    }

    /** Sets \Seen where the plan says so, then writes the page; the number of messages it answered for. */
    private static int emit(CommandContext ctx, SelectedMailbox view, ImapCommand.Fetch c, Plan plan, List<Item> page)
            throws IOException {
        int found = page.size();
        if (plan.setsSeen && view.rights.has('s') && !view.readOnly) markSeen(ctx, view, page); // a grantee needs "s"
        for (Item item : page) {
            if (c.changedSince().isPresent() && item.modSeq <= c.changedSince().getAsLong()) continue;
            if (!write(ctx, view, c, plan, item) && !c.uid()) found--;
        }
        return found;
    }

    /**
     * The messages of {@code uids} (ascending, all in the view) that still exist: from the index and
     * what this node keeps ({@link KnownMessages}) when it knows them all, else with one query, run
     * without a transaction (structures never change, so they need no snapshot with the rows).
     */
    private static List<Item> readPage(CommandContext ctx, SelectedMailbox view, long[] uids, Plan plan)
            throws IOException {
        List<KnownMessages.Hit> known = plan.needsRow ? null : ctx.knownMessages().lookup(view, uids);
        if (known != null) {
            List<Item> out = new ArrayList<>(known.size());
            for (KnownMessages.Hit h : known) {
                Item item = new Item(h.uid(), h.modSeq(), h.flags(), h.internalDate(), h.size(), h.blob());
                item.structure = h.structure();
                out.add(item);
            }
            return out;
        }
        // structures also for a body fetch, so that the page is kept for the next FETCH
        int[] storedSizes = new int[uids.length];
        List<Item> page = ctx.store(view.ownerId).readOne(tx -> {
            List<Item> out = new ArrayList<>(uids.length);
            for (StoredMessage m : tx.messages(view.id, uids, true)) {
                if (!view.uids.contains(m.meta().uid())) continue;
                storedSizes[out.size()] = m.structure() == null ? 4096 : m.structure().length;
                out.add(new Item(m.meta(), Structures.decode(m.structure())));
            }
            return out;
        });
        BlobStore blobStore = ctx.blobs();
        for (Item item : page) {
            if (item.structure != null) continue;
            try {
                item.structure = Structures.parse(blobStore, item.blob); // stored without one
            } catch (IOException e) {
                item.structure = null; // blob gone: the message is skipped when written
            }
        }
        long[] pageUids = new long[page.size()];
        BlobId[] blobs = new BlobId[page.size()];
        MessageStructure[] decoded = new MessageStructure[page.size()];
        for (int i = 0; i < pageUids.length; i++) {
            Item item = page.get(i);
            pageUids[i] = item.uid;
            blobs[i] = item.blob;
            decoded[i] = item.structure;
        }
        ctx.knownMessages().keep(view, pageUids, blobs, decoded, java.util.Arrays.copyOf(storedSizes, page.size()));
        return page;
    }

    /** Sets \Seen on the page's unseen messages in one write (RFC 3501 §6.4.5: non-PEEK body fetches). */
    private static void markSeen(CommandContext ctx, SelectedMailbox view, List<Item> page) {
        List<Long> unseen = new ArrayList<>();
        for (Item item : page) if (!view.shown(item.uid, item.flags).has(Flags.SEEN)) unseen.add(item.uid);
        if (unseen.isEmpty()) return;
        long[] uids = unseen.stream().mapToLong(Long::longValue).toArray();
        if (view.privateSeen != null) { // a grantee's \Seen is its own
            view.privateSeen.set(ctx, view, uids, true);
            for (Item item : page) if (unseen.contains(item.uid)) item.flagsChanged = true;
            return;
        }
        FlagUpdate update = ctx.store(view.ownerId).writeUnsynced(tx -> tx.storeFlags(view.id, uids,
                FlagUpdate.Mode.ADD, Flags.ofSystem(Flags.SEEN), OptionalLong.empty()));
        Map<Long, MessageMeta> changed = new HashMap<>();
        for (MessageMeta m : update.changed()) changed.put(m.uid(), m);
        for (Item item : page) {
            MessageMeta m = changed.get(item.uid);
            if (m != null) {
                item.changed(m);
                view.ownChange(m.modSeq());
            }
        }
    }

    /** Writes one FETCH response; false when the message's bytes are gone (skipped). */
    private static boolean write(CommandContext ctx, SelectedMailbox view, ImapCommand.Fetch c, Plan plan, Item item)
            throws IOException {
        int msn = view.uids.msnOf(item.uid);
        if (msn == 0) return false;
        if (plan.needsStructure && item.structure == null) return false;
        SeekableByteChannel blob = null;
        if (plan.needsBlob) {
            try {
                blob = ctx.blobs().openChannel(item.blob);
            } catch (IOException e) {
                return false; // expunged elsewhere and its file already deleted (RFC 2180 §4.1)
            }
        }
        try {
            // everything that can fail is worked out before the response line starts
            // only items that read the message have a body (none in a FLAGS fetch of every message)
            List<Object> bodies = blob == null ? null : new ArrayList<>(c.attrs().size());
            if (bodies != null) for (FetchAttr a : c.attrs()) bodies.add(body(a, item, blob));
            boolean flagsWritten = false, modSeqWritten = false;
            // RFC 3501 §7.2.6: a keyword another session set is announced before a response shows it
            if (plan.flags || item.flagsChanged) ViewUpdates.announceKeywords(ctx, view, item.flags);
            ctx.out.star().number(msn).atom("FETCH").open();
            if (plan.uid) ctx.out.atom("UID").number(item.uid);
            for (int i = 0; i < c.attrs().size(); i++) {
                FetchAttr a = c.attrs().get(i);
                switch (a) {
                    case FetchAttr.Simple simple -> {
                        switch (simple) {
                            case UID -> { }
                            case FLAGS -> {
                                if (!flagsWritten) {
                                    ctx.out.atom("FLAGS");
                                    ViewUpdates.writeFlags(ctx, view, item.uid, item.flags);
                                }
                                flagsWritten = true;
                            }
                            case INTERNALDATE -> ctx.out.atom("INTERNALDATE")
                                    .string(INTERNALDATE.format(Instant.ofEpochMilli(item.internalDate)));
                            case RFC822_SIZE -> ctx.out.atom("RFC822.SIZE").number(item.size);
                            case ENVELOPE -> ctx.out.atom("ENVELOPE").node(item.structure.envelope());
                            case BODY -> ctx.out.atom("BODY").node(item.structure.bodyStructure(false));
                            case BODYSTRUCTURE -> ctx.out.atom("BODYSTRUCTURE").node(item.structure.bodyStructure(true));
                            case MODSEQ -> {
                                if (!modSeqWritten) ctx.out.atom("MODSEQ").open().number(item.modSeq).close();
                                modSeqWritten = true;
                            }
                            // RFC 8514 §4.1: the store's save time, not INTERNALDATE; COPY and MOVE give the copy its own
                            case SAVEDATE -> ctx.out.atom("SAVEDATE")
                                    .string(INTERNALDATE.format(item.savedDate));
                            case EMAILID -> ctx.out.atom("EMAILID").open().atom(ObjectIds.email(item.blob)).close();
                            case THREADID -> ctx.out.atom("THREADID").nil();
                            case PREVIEW -> ctx.out.atom("PREVIEW").string((String) bodies.get(i));
                            case RFC822, RFC822_HEADER, RFC822_TEXT -> {
                                ctx.out.atom(simple.wireName());
                                content(ctx, (BodySections.Content) bodies.get(i), blob, false);
                            }
                        }
                    }
                    case FetchAttr.BodySection b -> {
                        ctx.out.bodySection(b.section(), b.partial());
                        content(ctx, (BodySections.Content) bodies.get(i), blob, false);
                    }
                    case FetchAttr.Binary b -> {
                        ctx.out.binarySection(b.part(), b.partial());
                        content(ctx, (BodySections.Content) bodies.get(i), blob, true);
                    }
                    case FetchAttr.BinarySize b -> ctx.out.binarySize(b.part()).number((Long) bodies.get(i));
                }
            }
            if (item.flagsChanged && !flagsWritten) {
                ctx.out.atom("FLAGS");
                ViewUpdates.writeFlags(ctx, view, item.uid, item.flags);
            }
            if (!modSeqWritten && (plan.modSeq || (item.flagsChanged && ctx.enabled.condstore))) {
                ctx.out.atom("MODSEQ").open().number(item.modSeq).close();
            }
            ctx.out.close().end();
            return true;
        } finally {
            if (blob != null) blob.close();
        }
    }

    /** Works out an item's data ahead of writing: a Content, a size (BINARY.SIZE), or null for the rest. */
    private static Object body(FetchAttr a, Item item, SeekableByteChannel blob) throws IOException {
        return switch (a) {
            case FetchAttr.Simple simple -> switch (simple) {
                case RFC822 -> new BodySections.Content.Range(0, item.size);
                case RFC822_HEADER -> BodySections.of(new FetchAttr.Section(new int[0], FetchAttr.Section.Kind.HEADER, List.of()),
                        item.structure, item.size, blob);
                case RFC822_TEXT -> BodySections.of(new FetchAttr.Section(new int[0], FetchAttr.Section.Kind.TEXT, List.of()),
                        item.structure, item.size, blob);
                case PREVIEW -> MessagePreview.of(blob, item.structure);
                default -> null;
            };
            case FetchAttr.BodySection b -> BodySections.partial(b.section().part().length == 0
                    && b.section().kind() == FetchAttr.Section.Kind.ALL
                    ? new BodySections.Content.Range(0, item.size)
                    : BodySections.of(b.section(), item.structure, item.size, blob), b.partial());
            case FetchAttr.Binary b -> BodySections.partial(binary(b.part(), item, blob), b.partial());
            case FetchAttr.BinarySize b -> switch (binary(b.part(), item, blob)) {
                case BodySections.Content.Bytes bytes -> (long) bytes.data().length;
                case BodySections.Content.Range range -> range.length();
                case BodySections.Content.Decoded decoded -> decoded.length();
                case BodySections.Content.Nil nil -> 0L;
            };
        };
    }

    private static BodySections.Content binary(int[] part, Item item, SeekableByteChannel blob) throws IOException {
        if (part.length == 0) return new BodySections.Content.Range(0, item.size);
        Optional<BodySections.Content> c = BodySections.binary(part, item.structure, item.size, blob);
        if (c.isEmpty()) throw new UnknownCte();
        return c.get();
    }

    /**
     * Writes a section's data as a literal (literal8 for binary data with NUL, RFC 3516 §4.3). A
     * section that names nothing is an empty literal, not NIL: RFC 3501 leaves it open, and clients
     * written against the most common server expect the literal form for every body section.
     */
    private static void content(CommandContext ctx, BodySections.Content c, SeekableByteChannel blob, boolean binary) throws IOException {
        switch (c) {
            case BodySections.Content.Nil n -> ctx.out.literal(new byte[0], false);
            case BodySections.Content.Bytes b -> ctx.out.literal(b.data(), binary && hasNul(b.data()));
            case BodySections.Content.Range r -> {
                blob.position(r.start());
                InputStream in = Channels.newInputStream(blob);
                ctx.out.literal(in, r.length(), false);
            }
            case BodySections.Content.Decoded d -> {
                try (InputStream in = dev.letterbox.message.Sections.decodedStream(blob, d.part()).orElseThrow()) {
                    in.skipNBytes(d.offset());
                    ctx.out.literal(in, d.length(), binary && d.hasNul());
                }
            }
        }
    }

    private static boolean hasNul(byte[] data) {
        for (byte b : data) if (b == 0) return true;
        return false;
    }
}
