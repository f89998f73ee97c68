package dev.letterbox.imap.server;

import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.Literal;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.message.MessageStructure;
import dev.letterbox.store.AppendResult;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.NewMessage;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * APPEND (RFC 3501 §6.3.11, RFC 9051 §6.3.12) with UIDPLUS's APPENDUID (RFC 4315), APPENDLIMIT
 * (RFC 7889, enforced by the reader before the literal) and RFC 6855 UTF8 / RFC 3516 literal8.
 * The message is durable (blob fsynced, row committed) before the OK.
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
        BlobStore blobs = s.service.store.blobs();
        BlobId blob;
        try {
            blob = storeBlob(blobs, c.message());
        } catch (IOException e) {
            // The literal was read whole before this; only the store failed (a full disk, say), so the
            // client hears "try again" and the session goes on in step.
            ImapSession.LOG.log(WARNING, "{0}: APPEND could not store the message: {1}", s.who(), e.toString());
            return Done.no(ResponseCode.unavailable(), "Cannot store the message now, try again later");
        }
        long size = c.message().size();
        byte[] structure = parse(s, blobs, blob);
        Instant date = c.internalDate().map(OffsetDateTime::toInstant).orElse(null);
        AppendResult r;
        try {
            r = s.service.store.write(s.account().id(), tx -> {
                Mailbox m = tx.mailbox(name).orElseThrow(() -> new MailboxException(MailboxException.Reason.NONEXISTENT,
                        "Mailbox does not exist"));
                return tx.append(m.id(), new NewMessage(blob, size, flags, date, structure));
            });
        } catch (RuntimeException e) {
            discard(blobs, blob);
            if (e instanceof MailboxException me && me.reason() == MailboxException.Reason.NONEXISTENT) {
                return Done.no(ResponseCode.tryCreate(), "Mailbox does not exist");
            }
            throw e;
        }
        SelectedMailbox view = s.selected();
        if (view != null && view.id == r.mailboxId()) s.dirty = true; // EXISTS before the OK
        return Done.ok(ResponseCode.appendUid(r.uidValidity(), r.uid()), "APPEND completed");
    }

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
