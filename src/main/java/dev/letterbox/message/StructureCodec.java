package dev.letterbox.message;

import dev.letterbox.message.ContentInfo.Param;
import dev.letterbox.message.Envelope.Address;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of a {@link MessageStructure}: a format byte, then varints and length-prefixed UTF-8
 * strings, the part tree depth first. Offsets are written as differences so most take one or two
 * octets. Decoding checks every length against what is left and the nesting against the parser's
 * limit, so garbage gives IllegalArgumentException, never an OutOfMemoryError or a deep recursion.
 *
 * <p>Format 1 layout: size, sent date (0 = none, else zigzag epoch second + 1), decoded subject (null =
 * same as the envelope's), base subject, references, root part. Part: kind, header start, body start
 * - header start, end - body start, lines, content fields, envelope (flag + fields), then the children
 * (multipart) or the embedded message's root part (message/rfc822).
 */
final class StructureCodec {
    static final int FORMAT = 1;

    private StructureCodec() {}

    static byte[] encode(MessageStructure s) {
        Writer w = new Writer();
        w.out.write(FORMAT);
        w.varlong(s.size());
        w.varlong(s.sentDate().map(i -> zigzag(i.getEpochSecond()) + 1).orElse(0L));
        String rawSubject = s.envelopeData().subject();
        w.string(s.subject().equals(rawSubject == null ? "" : rawSubject) ? null : s.subject());
        w.string(s.baseSubject());
        w.varlong(s.references().size());
        for (String r : s.references()) w.string(r);
        part(w, s.root());
        return w.out.toByteArray();
    }

    private static void part(Writer w, MimePart p) {
        w.out.write(p.kind().ordinal());
        w.varlong(p.headerStart());
        w.varlong(p.bodyStart() - p.headerStart());
        w.varlong(p.end() - p.bodyStart());
        w.varlong(p.lines());
        ContentInfo c = p.content();
        w.string(c.type());
        w.string(c.subtype());
        params(w, c.params());
        w.string(c.id());
        w.string(c.description());
        w.string(c.encoding());
        w.string(c.md5());
        w.string(c.dispositionType());
        params(w, c.dispositionParams());
        if (c.languages() == null) {
            w.varlong(0);
        } else {
            w.varlong(c.languages().size() + 1L);
            for (String l : c.languages()) w.string(l);
        }
        w.string(c.location());
        Envelope e = p.envelope();
        w.out.write(e == null ? 0 : 1);
        if (e != null) envelope(w, e);
        switch (p.kind()) {
            case MULTIPART -> {
                w.varlong(p.children().size());
                for (MimePart child : p.children()) part(w, child);
            }
            case MESSAGE -> part(w, p.message());
            case LEAF -> { }
        }
    }

    private static void params(Writer w, List<Param> params) {
        w.varlong(params.size());
        for (Param p : params) {
            w.string(p.name());
            w.string(p.value());
        }
    }

    private static void envelope(Writer w, Envelope e) {
        w.string(e.date());
        w.string(e.subject());
        addresses(w, e.from());
        addresses(w, e.sender());
        addresses(w, e.replyTo());
        addresses(w, e.to());
        addresses(w, e.cc());
        addresses(w, e.bcc());
        w.string(e.inReplyTo());
        w.string(e.messageId());
    }

    /** Count + 1, 0 for null (sender and reply-to may be null). */
    private static void addresses(Writer w, List<Address> list) {
        if (list == null) {
            w.varlong(0);
            return;
        }
        w.varlong(list.size() + 1L);
        for (Address a : list) {
            w.string(a.name());
            w.string(a.adl());
            w.string(a.mailbox());
            w.string(a.host());
        }
    }

    static MessageStructure decode(byte[] data) {
        if (data == null || data.length == 0) throw new IllegalArgumentException("empty structure");
        if (data[0] != FORMAT) throw new IllegalArgumentException("unknown structure format " + data[0]);
        try {
            Reader r = new Reader(data);
            long size = r.varlong();
            long date = r.varlong();
            Instant sentDate = date == 0 ? null : Instant.ofEpochSecond(unzigzag(date - 1));
            String subject = r.string();
            String baseSubject = r.string();
            int refCount = r.count(1);
            List<String> refs = new ArrayList<>(refCount);
            for (int i = 0; i < refCount; i++) refs.add(r.string());
            MimePart root = part(r, 0);
            if (r.pos != data.length) throw new IllegalArgumentException("trailing bytes in structure");
            if (root.envelope() == null) throw new IllegalArgumentException("structure root without envelope");
            return new MessageStructure(size, root, subject, baseSubject == null ? "" : baseSubject, sentDate, refs);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("corrupt structure: " + e, e);
        }
    }

    private static MimePart part(Reader r, int depth) {
        if (depth > 2 * MimeTreeBuilder.MAX_DEPTH + 2) throw new IllegalArgumentException("structure nested too deep");
        int kindIndex = r.octet();
        if (kindIndex >= MimePart.Kind.values().length) throw new IllegalArgumentException("bad part kind");
        MimePart.Kind kind = MimePart.Kind.values()[kindIndex];
        long headerStart = r.varlong();
        long bodyStart = headerStart + r.varlong();
        long end = bodyStart + r.varlong();
        long lines = r.varlong();
        String type = r.required();
        String subtype = r.required();
        List<Param> params = params(r);
        String id = r.string();
        String description = r.string();
        String encoding = r.string();
        String md5 = r.string();
        String dispositionType = r.string();
        List<Param> dispositionParams = params(r);
        int langCount = r.count(1);
        List<String> languages = null;
        if (langCount > 0) {
            languages = new ArrayList<>(langCount - 1);
            for (int i = 1; i < langCount; i++) languages.add(r.required());
        }
        String location = r.string();
        ContentInfo content = new ContentInfo(type, subtype, params, id, description, encoding, md5,
                dispositionType, dispositionParams, languages, location);
        Envelope envelope = r.octet() == 1 ? envelope(r) : null;
        List<MimePart> children = List.of();
        MimePart message = null;
        switch (kind) {
            case MULTIPART -> {
                int n = r.count(8);
                if (n == 0) throw new IllegalArgumentException("multipart without parts");
                children = new ArrayList<>(n);
                for (int i = 0; i < n; i++) children.add(part(r, depth + 1));
            }
            case MESSAGE -> {
                message = part(r, depth + 1);
                if (message.envelope() == null) throw new IllegalArgumentException("embedded message without envelope");
            }
            case LEAF -> { }
        }
        return new MimePart(kind, headerStart, bodyStart, end, lines, content, children, envelope, message);
    }

    private static List<Param> params(Reader r) {
        int n = r.count(2);
        List<Param> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(new Param(r.required(), r.required()));
        return out;
    }

    private static Envelope envelope(Reader r) {
        String date = r.string();
        String subject = r.string();
        List<Address> from = addresses(r);
        List<Address> sender = addresses(r);
        List<Address> replyTo = addresses(r);
        List<Address> to = addresses(r);
        List<Address> cc = addresses(r);
        List<Address> bcc = addresses(r);
        return new Envelope(date, subject, nonNull(from), sender, replyTo, nonNull(to), nonNull(cc), nonNull(bcc),
                r.string(), r.string());
    }

    private static List<Address> nonNull(List<Address> l) {
        return l == null ? List.of() : l;
    }

    private static List<Address> addresses(Reader r) {
        int n = r.count(4);
        if (n == 0) return null;
        List<Address> out = new ArrayList<>(n - 1);
        for (int i = 1; i < n; i++) out.add(new Address(r.string(), r.string(), r.string(), r.string()));
        return List.copyOf(out);
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static final class Writer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        void varlong(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        void string(String s) {
            if (s == null) {
                varlong(0);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varlong(b.length + 1L);
            out.write(b, 0, b.length);
        }
    }

    private static final class Reader {
        final byte[] data;
        int pos = 1;

        Reader(byte[] data) {
            this.data = data;
        }

        int octet() {
            if (pos >= data.length) throw new IllegalArgumentException("truncated structure");
            return data[pos++] & 0xff;
        }

        long varlong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = octet();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (v < 0) throw new IllegalArgumentException("negative number in structure");
                    return v;
                }
            }
            throw new IllegalArgumentException("bad number in structure");
        }

        /** A count of items each taking at least {@code minOctets}, checked against what is left. */
        int count(int minOctets) {
            long n = varlong();
            if (n > (long) (data.length - pos) / minOctets + 1) throw new IllegalArgumentException("count beyond data");
            return (int) n;
        }

        String string() {
            long n = varlong();
            if (n == 0) return null;
            long len = n - 1;
            if (len > data.length - pos) throw new IllegalArgumentException("string beyond data");
            String s = new String(data, pos, (int) len, StandardCharsets.UTF_8);
            pos += (int) len;
            return s;
        }

        String required() {
            String s = string();
            if (s == null) throw new IllegalArgumentException("missing string in structure");
            return s;
        }
    }
}
