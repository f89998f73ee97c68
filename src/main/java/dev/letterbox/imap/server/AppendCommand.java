package dev.letterbox.imap.server;

import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.Literal;
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
 * (RFC 7889, enforced by the reader before the literal) and RFC 6855 UTF8 / RFC 3516 literal8 (a
 * literal8 holding NUL octets is stored with those parts in base64, RFC 3516 §4.4). The message is
 * durable (blob fsynced, row committed) before the OK.
 */
final class AppendCommand {
    private AppendCommand() {}

    static Done append(ImapSession s, ImapCommand.Append c) throws IOException {
        List<String> names = new ArrayList<>();
        for (String f : c.flags()) if (!f.equalsIgnoreCase("\\Recent")) names.add(f); // not settable, ignored
        Flags flags;
        try {
            flags = Flags.parse(names);
        } catch (IllegalArgumentException e) {
            return Done.bad("Unknown system flag in APPEND");
        }
        if (c.message().size() == 0) return Done.no("An empty message cannot be stored");
        String name = MailboxNames.normalize(c.mailbox());
        MailboxAccess.Target target = MailboxAccess.resolve(s, name);
        if (!target.own(s)) { // RFC 4314 §4: "i" on another's mailbox; flags it may not set are dropped
            if (!target.visible()) return Done.no(ResponseCode.tryCreate(), "Mailbox does not exist");
            target.require('i');
        }
        Flags granted = MailboxAccess.allowedFlags(target.rights(), flags);
        Flags allowed = target.own(s) ? granted : granted.minus(Flags.ofSystem(Flags.SEEN)); // a grantee's \Seen is its own
        BlobStore blobs = s.service.store.blobs();
        BlobId received;
        try {
            received = storeBlob(blobs, c.message());
        } catch (IOException e) {
            // The literal was read whole before this; only the store failed (a full disk, say), so the
            // client hears "try again" and the session goes on in step.
            ImapSession.LOG.log(WARNING, "{0}: APPEND could not store the message: {1}", s.who(), e.toString());
            return Done.no(ResponseCode.unavailable(), "Cannot store the message now, try again later");
        }
        Stored stored = new Stored(received, c.message().size());
        if (c.message().binary()) {
            try {
                Stored encoded = withoutNul(blobs, received);
                if (encoded != null) {
                    discard(blobs, received);
                    stored = encoded;
                }
            } catch (NulPartEncoder.Unencodable e) {
                discard(blobs, received);
                return Done.no(ResponseCode.unknownCte(), "Cannot store this binary message: " + e.getMessage());
            } catch (IOException e) {
                discard(blobs, received);
                ImapSession.LOG.log(WARNING, "{0}: APPEND could not store the message: {1}", s.who(), e.toString());
                return Done.no(ResponseCode.unavailable(), "Cannot store the message now, try again later");
            }
        }
        BlobId blob = stored.blob();
        long size = stored.size();
        byte[] structure = parse(s, blobs, blob);
        Instant date = c.internalDate().map(OffsetDateTime::toInstant).orElse(null);
        AppendResult r;
        try {
            // the owner's quota is charged: the message is in the owner's mailbox
            r = s.service.store.write(target.ownerId(), tx -> tx.append(target.storeName(),
                    new NewMessage(blob, size, allowed, date, structure)));
        } catch (RuntimeException e) {
            discard(blobs, blob);
            if (e instanceof MailboxException me && me.reason() == MailboxException.Reason.NONEXISTENT) {
                return Done.no(ResponseCode.tryCreate(), "Mailbox does not exist");
            }
            throw e;
        }
        SelectedMailbox view = s.selected();
        if (view != null && view.id == r.mailboxId()) s.dirty = true; // EXISTS before the OK
        if (granted.has(Flags.SEEN) && !allowed.has(Flags.SEEN)) {
            s.service.store.grants().setSeen(target.ownerId(), r.mailboxId(), s.account().id(), new long[] {r.uid()}, true);
            if (view != null && view.id == r.mailboxId() && view.privateSeen != null) view.privateSeen.set(s, view, new long[] {r.uid()}, true);
        }
        return Done.ok(ResponseCode.appendUid(r.uidValidity(), r.uid()), "APPEND completed");
    }

    /** A message's committed blob and its size. */
    private record Stored(BlobId blob, long size) {}

    /** Makes the literal a committed (fsynced) blob; an IOException is the store's, never the client's. */
    private static BlobId storeBlob(BlobStore blobs, Literal literal) throws IOException {
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
    private static byte[] parse(ImapSession s, BlobStore blobs, BlobId blob) {
        try (InputStream in = blobs.open(blob)) {
            return MessageStructure.parse(in).serialize();
        } catch (IOException | RuntimeException e) {
            ImapSession.LOG.log(WARNING, "{0}: appended message not parsed, it will be on first use: {1}", s.who(), e.toString());
            return null;
        }
    }

    private static void discard(BlobStore blobs, BlobId blob) {
        try {
            blobs.delete(blob);
        } catch (IOException ignored) {
            // an unreferenced blob is swept later
        }
    }
}
