package dev.letterbox.message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The binary form of a part (RFC 3516 BINARY, RFC 5524 URLFETCH BINARY): the part's octets with the
 * content transfer encoding of every base64 or quoted-printable leaf inside it undone, recursively
 * through multiparts and message/rfc822 parts. As Dovecot does, a decoded leaf's
 * Content-Transfer-Encoding fields are dropped and "Content-Transfer-Encoding: binary" ends its
 * header; all other octets (other fields, prologues, boundaries, epilogues) stay as they are.
 *
 * <p>Planning decodes each converted leaf once to learn its decoded length and line count, so
 * {@link #length()} and {@link #structure()} (BODYPARTSTRUCTURE of the binary form: sizes and lines
 * of the decoded octets, the original fields) come without holding any body; {@link #open} decodes
 * again while the caller streams. Memory: one small record per converted leaf.
 */
public final class BinaryForm {
    private static final byte[] CTE_BINARY = "Content-Transfer-Encoding: binary".getBytes(StandardCharsets.US_ASCII);
    private static final int NAME_KEEP = 1024;

    /** What the binary form is made of, in order. */
    private sealed interface Piece {
        record Raw(long start, long end) implements Piece {}

        record Text(byte[] octets) implements Piece {}

        record Decoded(long start, long end, String encoding) implements Piece {}
    }

    /** A stretch [oldStart, oldEnd) of the blob that the binary form replaces by newLength octets holding newLfs LFs. */
    private record Edit(long oldStart, long oldEnd, long oldLfs, long newLength, long newLfs) {}

    private final MimePart target;
    private final long regionStart;
    private final long regionEnd;
    private final List<Piece> pieces;
    private final List<Edit> edits;
    private final boolean hasNul;

    private BinaryForm(MimePart target, long regionStart, long regionEnd, List<Piece> pieces, List<Edit> edits, boolean hasNul) {
        this.target = target;
        this.regionStart = regionStart;
        this.regionEnd = regionEnd;
        this.pieces = pieces;
        this.edits = edits;
        this.hasNul = hasNul;
    }

    /**
     * The binary form of the part at {@code path} ([] = the whole message; a message/rfc822 part =
     * the message it holds; a multipart = its body; a leaf = its decoded body). Empty when a leaf
     * inside has an encoding we cannot undo (IMAP's [UNKNOWN-CTE]) or the message has no such part.
     */
    public static Optional<BinaryForm> of(MessageStructure structure, int[] path, SeekableByteChannel blob) throws IOException {
        MimePart target;
        long start;
        long end;
        if (path.length == 0) {
            target = structure.root();
            start = 0;
            end = structure.size();
        } else {
            Optional<MimePart> found = structure.entity(path);
            if (found.isEmpty()) return Optional.empty();
            target = found.get();
            start = target.bodyStart();
            end = target.end();
        }
        Planner planner = new Planner(blob, start);
        boolean known = path.length > 0 && target.kind() == MimePart.Kind.LEAF
                ? planner.leafBody(target)
                : planner.walk(path.length == 0 ? target : inside(target));
        if (!known) return Optional.empty();
        planner.rawUpTo(end);
        return Optional.of(new BinaryForm(target, start, end, planner.pieces, planner.edits, planner.hasNul));
    }

    /** What a message/rfc822 part's binary form walks: the message it holds; a multipart walks its children. */
    private static MimePart inside(MimePart part) {
        return part.kind() == MimePart.Kind.MESSAGE ? part.message() : part;
    }

    /** True when some octet differs from the stored part (a leaf inside was decoded). */
    public boolean converts() {
        return !edits.isEmpty();
    }

    /** Octets of the binary form. */
    public long length() {
        return map(regionEnd) - map(regionStart);
    }

    /** The binary form holds a NUL octet (IMAP then sends it as a literal8). */
    public boolean hasNul() {
        return hasNul;
    }

    /** The octets of the binary form, decoded from the blob as they are read; closing it leaves the blob open. */
    public InputStream open(SeekableByteChannel blob) {
        Iterator<Piece> it = pieces.iterator();
        return new SequenceInputStream(new java.util.Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return it.hasNext();
            }

            @Override
            public InputStream nextElement() {
                if (!it.hasNext()) throw new NoSuchElementException();
                return switch (it.next()) {
                    case Piece.Raw r -> new BlobRegion(blob, r.start(), r.end());
                    case Piece.Text t -> new ByteArrayInputStream(t.octets());
                    case Piece.Decoded d -> BlobRegion.decoding(new BlobRegion(blob, d.start(), d.end()), d.encoding());
                };
            }
        });
    }

    /**
     * The extensible BODYSTRUCTURE of the part in its binary form, as Dovecot answers URLFETCH's
     * BODYPARTSTRUCTURE next to BINARY: every size and line count is the decoded one, every field
     * (the Content-Transfer-Encoding too) is the stored one.
     */
    public Node structure() {
        return BodyStructureBuilder.body(remap(target), true);
    }

    private MimePart remap(MimePart p) {
        List<MimePart> children = new ArrayList<>(p.children().size());
        for (MimePart c : p.children()) children.add(remap(c));
        long lines = p.lines();
        for (Edit e : edits) {
            if (e.oldStart() >= p.bodyStart() && e.oldEnd() <= p.end()) lines += e.newLfs() - e.oldLfs();
        }
        return new MimePart(p.kind(), map(p.headerStart()), map(p.bodyStart()), map(p.end()), lines, p.content(),
                children, p.envelope(), p.message() == null ? null : remap(p.message()));
    }

    /** Where a stored offset that no edit straddles lands in the binary form. */
    private long map(long offset) {
        long shifted = offset;
        for (Edit e : edits) {
            if (e.oldEnd() <= offset) shifted += e.newLength() - (e.oldEnd() - e.oldStart());
        }
        return shifted;
    }

    /** Walks the part tree in blob order, cutting the region into pieces. */
    private static final class Planner {
        private final SeekableByteChannel blob;
        private final List<Piece> pieces = new ArrayList<>();
        private final List<Edit> edits = new ArrayList<>();
        private long cursor;
        private boolean hasNul;

        Planner(SeekableByteChannel blob, long start) {
            this.blob = blob;
            this.cursor = start;
        }

        /** False when a leaf has an encoding we cannot undo. */
        boolean walk(MimePart p) throws IOException {
            return switch (p.kind()) {
                case MULTIPART -> {
                    for (MimePart c : p.children()) {
                        if (!walk(c)) yield false;
                    }
                    yield true;
                }
                case MESSAGE -> walk(p.message());
                case LEAF -> {
                    if (p.content().identityEncoding()) yield true;
                    if (!decodable(p)) yield false;
                    header(p);
                    yield leafBody(p);
                }
            };
        }

        private static boolean decodable(MimePart p) {
            return BlobRegion.decoding(InputStream.nullInputStream(), p.content().encodingLower()) != null;
        }

        /** The leaf's body decoded (counted now: length, LFs, NUL), or false for an unknown encoding. */
        boolean leafBody(MimePart p) throws IOException {
            if (p.content().identityEncoding()) return true; // stored octets go as they are, as BODY[] sends them
            InputStream decoded = BlobRegion.decoding(new BlobRegion(blob, p.bodyStart(), p.end()), p.content().encodingLower());
            if (decoded == null) return false;
            long[] counts = scan(decoded);
            hasNul |= counts[2] != 0;
            rawUpTo(p.bodyStart());
            pieces.add(new Piece.Decoded(p.bodyStart(), p.end(), p.content().encodingLower()));
            edits.add(new Edit(p.bodyStart(), p.end(), p.lines(), counts[0], counts[1]));
            cursor = p.end();
            return true;
        }

        /** The leaf's header without its Content-Transfer-Encoding fields, "Content-Transfer-Encoding: binary" last. */
        private void header(MimePart p) throws IOException {
            rawUpTo(p.headerStart());
            long oldLfs = 0;
            long newLength = 0;
            long newLfs = 0;
            byte[] terminator = {'\r', '\n'};
            byte[] blank = null;
            boolean dropping = false;
            boolean lastTerminated = true;
            LineReader lines = new LineReader(new BlobRegion(blob, p.headerStart(), p.bodyStart()));
            while (lines.next(NAME_KEEP)) {
                if (lines.terminatorLength() > 0) oldLfs++;
                if (lines.isBlank()) {
                    blank = lines.terminatorLength() == 1 ? new byte[] {'\n'} : terminator;
                    break;
                }
                byte first = lines.kept()[0];
                if (first != ' ' && first != '\t') {
                    dropping = "content-transfer-encoding".equals(Sections.fieldName(lines.kept(), lines.keptLength()));
                    if (!dropping && lines.terminatorLength() == 1) terminator = new byte[] {'\n'};
                }
                if (dropping) continue;
                keep(p.headerStart() + lines.lineStart(), p.headerStart() + lines.lineEnd());
                newLength += lines.lineEnd() - lines.lineStart();
                if (lines.terminatorLength() > 0) newLfs++;
                lastTerminated = lines.terminatorLength() > 0;
            }
            byte[] added = new byte[(lastTerminated ? 0 : terminator.length) + CTE_BINARY.length + terminator.length
                    + (blank == null ? 0 : blank.length)];
            int at = 0;
            if (!lastTerminated) at = put(added, at, terminator);
            at = put(added, at, CTE_BINARY);
            at = put(added, at, terminator);
            if (blank != null) put(added, at, blank);
            pieces.add(new Piece.Text(added));
            newLength += added.length;
            newLfs += (lastTerminated ? 0 : 1) + 1 + (blank == null ? 0 : 1);
            edits.add(new Edit(p.headerStart(), p.bodyStart(), oldLfs, newLength, newLfs));
            cursor = p.bodyStart();
        }

        /** Keeps [start, end) of the header as it is, joined to the piece before when they touch. */
        private void keep(long start, long end) {
            if (!pieces.isEmpty() && pieces.getLast() instanceof Piece.Raw r && r.end() == start) {
                pieces.set(pieces.size() - 1, new Piece.Raw(r.start(), end));
            } else {
                pieces.add(new Piece.Raw(start, end));
            }
        }

        private static int put(byte[] into, int at, byte[] what) {
            System.arraycopy(what, 0, into, at, what.length);
            return at + what.length;
        }

        /** The stored octets from the cursor up to {@code offset}. */
        void rawUpTo(long offset) {
            if (offset > cursor) keep(cursor, offset);
            cursor = Math.max(cursor, offset);
        }

        /** {length, LFs, NULs} of a stream, read to its end and closed. */
        private static long[] scan(InputStream in) throws IOException {
            long[] counts = new long[3];
            byte[] buf = new byte[16 * 1024];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    counts[0] += n;
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') counts[1]++;
                        else if (buf[i] == 0) counts[2]++;
                    }
                }
            }
            return counts;
        }
    }
}
