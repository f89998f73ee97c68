package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ImapUrl;
import dev.letterbox.imap.Literal;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One CATENATE message (RFC 4469 §5): TEXT literals and the parts named by URLs, joined in order
 * into a new blob. URLs are read from this user's own mailboxes (a path, or an absolute URL of this
 * user; one with URLAUTH is checked as URLFETCH would). A URL that names nothing is [BADURL url]; a
 * result larger than APPENDLIMIT is [TOOBIG] (§5), found while copying, before more is read.
 */
final class Catenation {
    private Catenation() {}

    static AppendHandler.Stored build(CommandContext ctx, java.util.List<ImapCommand.CatPart> parts)
            throws AppendHandler.Refused {
        BlobStore blobs = ctx.blobs();
        long limit = ctx.config().appendLimit();
        try (BlobStore.BlobWriter w = blobs.create()) {
            Sink sink = new Sink(w.stream(), limit);
            for (ImapCommand.CatPart part : parts) {
                switch (part) {
                    case ImapCommand.CatPart.Text t -> text(blobs, t.literal(), sink);
                    case ImapCommand.CatPart.Url u -> url(ctx, u.url(), sink);
                }
            }
            if (sink.total == 0) throw AppendHandler.refused(Done.no("An empty message cannot be stored"));
            return new AppendHandler.Stored(w.commit(), sink.total);
        } catch (TooBig e) {
            throw AppendHandler.refused(Done.no(ResponseCode.tooBig(), "The message would be larger than APPENDLIMIT (" + limit + " octets)"));
        } catch (IOException e) {
            throw AppendHandler.unavailable(ctx, e);
        }
    }

    private static void text(BlobStore blobs, Literal literal, Sink sink) throws IOException {
        switch (literal) {
            case Literal.InMemory m -> sink.write(m.bytes());
            case Literal.Stored st -> {
                // a large TEXT part arrived as a blob of its own: copy it in, then drop it
                BlobId part = AppendHandler.storeBlob(blobs, literal);
                try (InputStream in = blobs.open(part)) {
                    sink.copy(in);
                } finally {
                    AppendHandler.discard(blobs, part);
                }
            }
        }
    }

    private static void url(CommandContext ctx, String text, Sink sink) throws AppendHandler.Refused, IOException {
        ImapUrl url;
        try {
            url = ImapUrl.parse(text);
        } catch (ImapUrl.BadUrl e) {
            throw AppendHandler.refused(Done.no(ResponseCode.badUrl(text), "Bad URL: " + e.getMessage()));
        }
        try (UrlParts.Opened part = UrlAuth.openForAppend(ctx, url)) {
            sink.copy(part.stream());
        } catch (ImapUrl.BadUrl e) {
            throw AppendHandler.refused(Done.no(ResponseCode.badUrl(text), "Bad URL: " + e.getMessage()));
        }
    }

    /** The message's size went past APPENDLIMIT. */
    private static final class TooBig extends IOException {
        TooBig() {
            super(null, null);
        }
    }

    /** Writes to the new blob, counting against the limit. */
    private static final class Sink {
        final OutputStream out;
        final long limit;
        long total;

        Sink(OutputStream out, long limit) {
            this.out = out;
            this.limit = limit;
        }

        void write(byte[] b) throws IOException {
            if (total + b.length > limit) throw new TooBig();
            out.write(b);
            total += b.length;
        }

        void copy(InputStream in) throws IOException {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                if (total + n > limit) throw new TooBig();
                out.write(buf, 0, n);
                total += n;
            }
        }
    }
}
