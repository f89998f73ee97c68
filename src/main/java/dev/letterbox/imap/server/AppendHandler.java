package dev.letterbox.imap.server;

import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.Literal;
import dev.letterbox.imap.Ranges;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.message.MessageStructure;
import dev.letterbox.message.NulPartEncoder;
import dev.letterbox.store.AppendResult;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.NewMessage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * APPEND (RFC 3501 §6.3.11, RFC 9051 §6.3.12) with UIDPLUS's APPENDUID (RFC 4315), APPENDLIMIT
 * (RFC 7889, enforced by the reader before the literal), RFC 6855 UTF8 / RFC 3516 literal8 (a
 * literal8 holding NUL octets is stored with those parts in base64, RFC 3516 §4.4), MULTIAPPEND
 * (RFC 3502) and CATENATE (RFC 4469).
 *
 * <p>Every message is made a durable blob first; then one store write adds them all, so a
 * MULTIAPPEND stores all its messages or none (RFC 3502 §6.3.11). The OK comes after that write is
 * committed and fsynced; on any refusal the blobs made so far are discarded.
 */
final class AppendHandler {
    private AppendHandler() {}

    /** A message refused before the store write: the answer to give. */
    static final class Refused extends Exception {
        final Done done;

        Refused(Done done) {
            super(null, null, false, false);
            this.done = done;
        }
    }

    static Done append(CommandContext ctx, ImapCommand.Append c) throws IOException {
        String name = MailboxNames.normalize(c.mailbox());
        MailboxAccess.Target target = MailboxAccess.resolveForWrite(ctx, name); // one's own: no read before the write
        if (!target.own(ctx)) { // RFC 4314 §4: "i" on another's mailbox; flags it may not set are dropped
            if (!target.visible()) return tryCreate();
            target.require('i');
        }
        // RFC 4469 §5: a missing mailbox is [TRYCREATE] even when a URL is bad too, so CATENATE looks
        // first; a plain APPEND learns it from the write, without a read more
        boolean catenate = c.messages().stream().anyMatch(ImapCommand.AppendMessage::catenate);
        if (catenate && ctx.store(target.ownerId()).read(tx -> tx.mailbox(target.storeName())).isEmpty()) return tryCreate();
        BlobStore blobs = ctx.blobs();
        List<Prepared> ready = new ArrayList<>();
        boolean stored = false;
        try {
            for (ImapCommand.AppendMessage m : c.messages()) ready.add(prepare(ctx, m, target));
            SelectedMailbox view = ctx.selected();
            SelectedMailbox claiming = claimsRecent(ctx, view, target) ? view : null;
            long reached = claiming == null ? 0 : claiming.index.recentMarkReached();
            // the owner's quota is charged: the messages are in the owner's mailbox
            Written written = ctx.store(target.ownerId()).write(tx -> {
                List<AppendResult> out = new ArrayList<>(ready.size());
                for (Prepared p : ready) out.add(tx.append(target.storeName(), p.message()));
                long upTo = out.getLast().uid() + 1;
                boolean mine = claiming != null && claiming.id == out.getFirst().mailboxId();
                return new Written(out, mine ? tx.claimRecent(claiming.id, reached, upTo) : upTo);
            });
            stored = true;
            List<AppendResult> results = written.results();
            rememberAppended(ctx, ready, results);
            if (view != null && view.id == results.get(0).mailboxId()) {
                long upTo = results.getLast().uid() + 1;
                if (claiming != null) {
                    view.index.recentMarkReached(Math.max(written.recentMark(), upTo));
                    view.claimedAhead(written.recentMark(), upTo);
                }
                ctx.viewChanged(); // EXISTS before the OK
            }
            seenByGrantee(ctx, target, ready, results, view);
            return Done.ok(appendUid(results), "APPEND completed");
        } catch (Refused r) {
            return r.done;
        } catch (MailboxException e) {
            if (e.reason() == MailboxException.Reason.NONEXISTENT) return tryCreate();
            throw e;
        } finally {
            if (!stored) for (Prepared p : ready) discard(blobs, p.message().blob());
        }
    }

    /** What the store write did: where each message went, and the \Recent mark this session claimed from. */
    private record Written(List<AppendResult> results, long recentMark) {}

    /**
     * Whether the session claims its appended messages' \Recent in the APPEND's own write (RFC 3501
     * §2.3.2: they are \Recent for it when it has the mailbox selected read-write), rather than in
     * a write of its own when it next reports them. The write tells whether the target is the view.
     */
    private static boolean claimsRecent(CommandContext ctx, SelectedMailbox view, MailboxAccess.Target target) {
        return view != null && !view.readOnly && !ctx.enabled.rev2 && view.ownerId == target.ownerId();
    }

    /** A message ready to store, and whether the grantee appending it asked for its own \Seen. */
    private record Prepared(NewMessage message, boolean privateSeen) {}

    /** Clients FETCH what they appended: this node keeps what it stored (see KnownMessages). */
    private static void rememberAppended(CommandContext ctx, List<Prepared> ready, List<AppendResult> results) {
        long[] uids = new long[results.size()];
        BlobId[] blobs = new BlobId[uids.length];
        byte[][] structures = new byte[uids.length][];
        for (int i = 0; i < uids.length; i++) {
            uids[i] = results.get(i).uid();
            blobs[i] = ready.get(i).message().blob();
            structures[i] = ready.get(i).message().structure();
        }
        AppendResult first = results.get(0); // one write: one mailbox
        ctx.knownMessages().keepAppended(first.mailboxId(), first.uidValidity(), uids, blobs, structures);
    }

    /** A grantee's \Seen on what it appended is its own: recorded apart from the owner's flags. */
    private static void seenByGrantee(CommandContext ctx, MailboxAccess.Target target, List<Prepared> ready,
                                      List<AppendResult> results, SelectedMailbox view) {
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < ready.size(); i++) if (ready.get(i).privateSeen()) seen.add(results.get(i).uid());
        if (seen.isEmpty()) return;
        long[] uids = seen.stream().mapToLong(Long::longValue).toArray();
        long mailboxId = results.get(0).mailboxId();
        ctx.grants().setSeen(target.ownerId(), mailboxId, ctx.account().id(), uids, true);
        if (view != null && view.id == mailboxId && view.privateSeen != null) view.privateSeen.set(ctx, view, uids, true);
    }

    private static Done tryCreate() {
        return Done.no(ResponseCode.tryCreate(), "Mailbox does not exist");
    }

    /** APPENDUID uidvalidity uid-set (RFC 4315 §3, RFC 3502 §6.3.11: the UIDs of every message, in order). */
    private static ResponseCode appendUid(List<AppendResult> results) {
        if (results.size() == 1) return ResponseCode.appendUid(results.get(0).uidValidity(), results.get(0).uid());
        Ranges.Builder uids = new Ranges.Builder();
        for (AppendResult r : results) uids.add(r.uid(), r.uid()); // one write: ascending, consecutive
        return ResponseCode.appendUid(results.get(0).uidValidity(), uids.build());
    }

    /** One message as a durable blob with its flags (those {@code target} lets this user set), date and parsed structure. */
    private static Prepared prepare(CommandContext ctx, ImapCommand.AppendMessage m, MailboxAccess.Target target)
            throws Refused, IOException {
        List<String> names = new ArrayList<>();
        for (String f : m.flags()) if (!f.equalsIgnoreCase("\\Recent")) names.add(f); // not settable, ignored
        Flags flags;
        try {
            flags = Flags.parse(names);
        } catch (IllegalArgumentException e) {
            throw new Refused(Done.bad("Unknown system flag in APPEND"));
        }
        Flags granted = MailboxAccess.allowedFlags(target.rights(), flags);
        Flags allowed = target.own(ctx) ? granted : granted.minus(Flags.ofSystem(Flags.SEEN)); // a grantee's \Seen is its own
        BlobStore blobs = ctx.blobs();
        Stored stored;
        boolean binary;
        if (m.catenate()) {
            stored = Catenation.build(ctx, m.parts());
            binary = m.parts().stream().anyMatch(p -> p instanceof ImapCommand.CatPart.Text t && t.literal().binary());
        } else {
            Literal literal = ((ImapCommand.CatPart.Text) m.parts().get(0)).literal();
            if (literal.size() == 0) throw new Refused(Done.no("An empty message cannot be stored"));
            try {
                stored = new Stored(storeBlob(blobs, literal), literal.size());
            } catch (IOException e) {
                throw unavailable(ctx, e);
            }
            binary = literal.binary();
        }
        if (binary) stored = encodeNul(ctx, blobs, stored);
        Instant date = m.internalDate().map(OffsetDateTime::toInstant).orElse(null);
        return new Prepared(new NewMessage(stored.blob(), stored.size(), allowed, date, parse(ctx, blobs, stored.blob())),
                granted.has(Flags.SEEN) && !allowed.has(Flags.SEEN));
    }

    /**
     * The literal was read whole before this; only the store failed (a full disk, say), so the client
     * hears "try again" and the session goes on in step.
     */
    static Refused unavailable(CommandContext ctx, IOException e) {
        ImapSession.LOG.log(WARNING, "{0}: APPEND could not store the message: {1}", ctx.who(), e.toString());
        return new Refused(Done.no(ResponseCode.unavailable(), "Cannot store the message now, try again later"));
    }

    static Refused refused(Done done) {
        return new Refused(done);
    }

    /** RFC 3516 §4.4: parts holding NUL are stored in base64 (see {@link #withoutNul}). */
    private static Stored encodeNul(CommandContext ctx, BlobStore blobs, Stored stored) throws Refused {
        try {
            Stored encoded = withoutNul(blobs, stored.blob());
            if (encoded == null) return stored;
            discard(blobs, stored.blob());
            return encoded;
        } catch (NulPartEncoder.Unencodable e) {
            discard(blobs, stored.blob());
            throw new Refused(Done.no(ResponseCode.unknownCte(), "Cannot store this binary message: " + e.getMessage()));
        } catch (IOException e) {
            discard(blobs, stored.blob());
            throw unavailable(ctx, e);
        }
    }

    /** A message's committed blob and its size. */
    record Stored(BlobId blob, long size) {}

    /** Makes the literal a committed (fsynced) blob; an IOException is the store's, never the client's. */
    static BlobId storeBlob(BlobStore blobs, Literal literal) throws IOException {
        return switch (literal) {
            case Literal.Stored st -> ((BlobLiteral) st.data()).commit();
            case Literal.InMemory m -> {
                try (BlobStore.BlobWriter w = blobs.create()) {
                    w.stream().write(m.bytes());
                    yield w.commit();
                }
            }
        };
    }

    /**
     * RFC 3516 §4.4: a literal8 may carry NUL octets, which no later BODY[] could send (RFC 3501
     * literals exclude NUL). When the message holds any, it is rewritten into a new blob with the
     * parts holding them in base64 (see {@link NulPartEncoder}); null when it holds none.
     */
    private static Stored withoutNul(BlobStore blobs, BlobId blob) throws IOException, NulPartEncoder.Unencodable {
        try (InputStream in = blobs.open(blob)) {
            if (!NulPartEncoder.containsNul(in)) return null;
        }
        MessageStructure structure;
        try (InputStream in = blobs.open(blob)) {
            structure = MessageStructure.parse(in);
        }
        try (SeekableByteChannel channel = blobs.openChannel(blob); BlobStore.BlobWriter w = blobs.create()) {
            OutputStream out = new BufferedOutputStream(w.stream(), 64 * 1024);
            NulPartEncoder.rewrite(channel, structure, out);
            out.flush();
            long size = w.bytesWritten();
            return new Stored(w.commit(), size);
        }
    }

    /** The parsed-once structure stored with the message; null (parsed on demand later) if parsing fails. */
    private static byte[] parse(CommandContext ctx, BlobStore blobs, BlobId blob) {
        try (InputStream in = blobs.open(blob)) {
            return MessageStructure.parse(in).serialize();
        } catch (IOException | RuntimeException e) {
            ImapSession.LOG.log(WARNING, "{0}: appended message not parsed, it will be on first use: {1}", ctx.who(), e.toString());
            return null;
        }
    }

    static void discard(BlobStore blobs, BlobId blob) {
        try {
            blobs.delete(blob);
        } catch (IOException ignored) {
            // an unreferenced blob is swept later
        }
    }
}
