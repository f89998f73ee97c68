package dev.letterbox.imap.server;

import dev.letterbox.imap.FetchAttr;
import dev.letterbox.imap.ImapUrl;
import dev.letterbox.message.BinaryForm;
import dev.letterbox.message.MessageStructure;
import dev.letterbox.message.Node;
import dev.letterbox.message.Sections;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

/**
 * Reads what an IMAP URL (RFC 5092) names in one account's mailboxes: a whole message, a body
 * section, or a PARTIAL range of either. Used by CATENATE (RFC 4469), URLFETCH (RFC 4467) and SMTP
 * BURL (RFC 4468), so all three see a URL the same way. A URL that names nothing here (no such
 * mailbox, another UIDVALIDITY, no such UID or part) is a {@link ImapUrl.BadUrl}.
 */
public final class UrlParts {
    private UrlParts() {}

    /** An open part: its exact length, and its octets read from the blob on demand. Close it. */
    public static final class Opened implements AutoCloseable {
        private final SeekableByteChannel blob;
        private final BodySections.Content content;
        final MessageStructure structure;
        final FetchAttr.Section section;

        private Opened(SeekableByteChannel blob, BodySections.Content content, MessageStructure structure,
                       FetchAttr.Section section) {
            this.blob = blob;
            this.content = content;
            this.structure = structure;
            this.section = section;
        }

        public long length() {
            return length(content);
        }

        /** The part's octets; valid until {@link #close()}. */
        public InputStream stream() throws IOException {
            return stream(content);
        }

        /**
         * RFC 5524 BINARY: a leaf part with its transfer encoding undone (as FETCH BINARY does), the
         * rest as it is; empty when the encoding is unknown.
         */
        Optional<BodySections.Content> binary() throws IOException {
            boolean whole = section.kind() == FetchAttr.Section.Kind.ALL;
            return whole ? BodySections.binary(section.part(), structure, structure.size(), blob) : Optional.of(content);
        }

        /**
         * RFC 5524 BODYPARTSTRUCTURE of the part; next to BINARY ({@code binary}), that of its binary
         * form (decoded sizes and line counts), as Dovecot answers.
         */
        Node partStructure(boolean binary) throws IOException {
            if (binary) {
                Optional<BinaryForm> form = BinaryForm.of(structure, section.part(), blob);
                if (form.isPresent()) return form.get().structure();
            }
            return structure.partStructure(section.part()).orElseThrow();
        }

        static long length(BodySections.Content content) {
            return switch (content) {
                case BodySections.Content.Nil n -> 0;
                case BodySections.Content.Bytes b -> b.data().length;
                case BodySections.Content.Range r -> r.length();
                case BodySections.Content.Decoded d -> d.length();
            };
        }

        InputStream stream(BodySections.Content content) throws IOException {
            return switch (content) {
                case BodySections.Content.Nil n -> InputStream.nullInputStream();
                case BodySections.Content.Bytes b -> new ByteArrayInputStream(b.data());
                case BodySections.Content.Range r -> {
                    blob.position(r.start());
                    yield new BoundedStream(Channels.newInputStream(blob), r.length());
                }
                case BodySections.Content.Decoded d -> {
                    yield new BoundedStream(d.open(blob), d.length());
                }
            };
        }

        @Override
        public void close() throws IOException {
            blob.close();
        }
    }

    /** Opens what {@code url} names in the account's mailboxes; the URL's user and URLAUTH are the caller's business. */
    public static Opened open(MailStore store, long accountId, ImapUrl url) throws ImapUrl.BadUrl, IOException {
        FetchAttr.Section section = url.sectionSpec();
        String name = MailboxNames.normalize(url.mailbox());
        record Found(MessageMeta meta, MessageStructure structure) {}
        Found found = store.read(accountId, tx -> {
            Optional<Mailbox> m = tx.mailbox(name);
            if (m.isEmpty() || (url.uidValidity() != 0 && url.uidValidity() != m.get().uidValidity())) return null;
            Optional<MessageMeta> meta = tx.message(m.get().id(), url.uid());
            return meta.map(mm -> new Found(mm, Structures.stored(tx, mm.blob()))).orElse(null);
        });
        if (found == null) throw new ImapUrl.BadUrl("the URL names no message here");
        MessageStructure structure = found.structure();
        if (structure == null) structure = Structures.parse(store.blobs(), found.meta().blob());
        SeekableByteChannel blob = store.blobs().openChannel(found.meta().blob());
        try {
            BodySections.Content content = BodySections.of(section, structure, found.meta().size(), blob);
            if (content instanceof BodySections.Content.Nil && section.part().length > 0) {
                throw new ImapUrl.BadUrl("the URL names a part the message does not have");
            }
            if (url.partialOffset() >= 0) {
                long length = url.partialLength() < 0 ? Long.MAX_VALUE : url.partialLength();
                content = BodySections.partial(content, new FetchAttr.Partial(url.partialOffset(), length));
            }
            return new Opened(blob, content, structure, section);
        } catch (ImapUrl.BadUrl | IOException | RuntimeException e) {
            blob.close();
            throw e;
        }
    }

    /** At most {@code left} octets of the stream beneath; closing it leaves the blob open. */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private long left;

        BoundedStream(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = in.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }

        @Override
        public void close() {
            // the blob's channel is closed with the Opened
        }
    }
}
