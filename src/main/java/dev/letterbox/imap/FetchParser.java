package dev.letterbox.imap;

import dev.letterbox.imap.FetchAttr.Section;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** FETCH data items (RFC 3501 §6.4.5 / §9 {@code fetch-att}, RFC 3516, RFC 7162). */
final class FetchParser {
    private final Tokens t;

    FetchParser(Tokens t) {
        this.t = t;
    }

    List<FetchAttr> attributes() throws ImapSyntaxException {
        if (t.peek() == '(') {
            t.expect('(');
            List<FetchAttr> out = new ArrayList<>();
            do {
                if (out.size() >= ImapParser.MAX_ITEMS) throw new ImapSyntaxException("too many FETCH items");
                out.add(attribute());
            } while (t.trySp());
            t.expect(')');
            return distinct(out);
        }
        if (t.lookAheadWord("ALL")) {
            t.atom();
            return List.of(FetchAttr.Simple.FLAGS, FetchAttr.Simple.INTERNALDATE, FetchAttr.Simple.RFC822_SIZE,
                    FetchAttr.Simple.ENVELOPE);
        }
        if (t.lookAheadWord("FAST")) {
            t.atom();
            return List.of(FetchAttr.Simple.FLAGS, FetchAttr.Simple.INTERNALDATE, FetchAttr.Simple.RFC822_SIZE);
        }
        if (t.lookAheadWord("FULL")) {
            t.atom();
            return List.of(FetchAttr.Simple.FLAGS, FetchAttr.Simple.INTERNALDATE, FetchAttr.Simple.RFC822_SIZE,
                    FetchAttr.Simple.ENVELOPE, FetchAttr.Simple.BODY);
        }
        return List.of(attribute());
    }

    /**
     * Each data item once, as the response must have it (RFC 3501 §7.4.2): a repeat is dropped where
     * it stands, and BODY[x] with BODY.PEEK[x] (BINARY with BINARY.PEEK) is one item in the response,
     * kept where it first stands and setting \Seen when either form does.
     */
    private static List<FetchAttr> distinct(List<FetchAttr> items) {
        Map<Answered, Integer> seen = new HashMap<>();
        List<FetchAttr> out = new ArrayList<>(items.size());
        for (FetchAttr a : items) {
            Integer at = seen.putIfAbsent(Answered.as(a), out.size());
            if (at == null) out.add(a);
            else if (!peeks(a)) out.set(at, unpeeked(out.get(at)));
        }
        return out.size() == items.size() ? items : out;
    }

    /**
     * The name an item is answered under: BODY.PEEK and BINARY.PEEK answer as BODY and BINARY, and a
     * partial fetch is echoed with its origin only, so {@code <0.4>} and {@code <0.10>} are one name.
     */
    private record Answered(Object item, Section section, long origin) {
        static Answered as(FetchAttr a) {
            return switch (a) {
                case FetchAttr.Simple s -> new Answered(s, null, -1);
                case FetchAttr.BodySection b -> new Answered("BODY", b.section(), origin(b.partial()));
                case FetchAttr.Binary b -> new Answered("BINARY", whole(b.part()), origin(b.partial()));
                case FetchAttr.BinarySize b -> new Answered("BINARY.SIZE", whole(b.part()), -1);
            };
        }

        private static long origin(FetchAttr.Partial p) {
            return p == null ? -1 : p.offset();
        }

        private static Section whole(int[] part) {
            return new Section(part, Section.Kind.ALL, List.of());
        }
    }

    private static boolean peeks(FetchAttr a) {
        return switch (a) {
            case FetchAttr.BodySection b -> b.peek();
            case FetchAttr.Binary b -> b.peek();
            default -> true; // sets no flag
        };
    }

    private static FetchAttr unpeeked(FetchAttr a) {
        return switch (a) {
            case FetchAttr.BodySection b -> new FetchAttr.BodySection(b.section(), b.partial(), false);
            case FetchAttr.Binary b -> new FetchAttr.Binary(b.part(), b.partial(), false);
            default -> a;
        };
    }

    private FetchAttr attribute() throws ImapSyntaxException {
        String name = t.run(b -> (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '.')
                .toUpperCase(Locale.ROOT);
        if (name.isEmpty()) throw new ImapSyntaxException("expected a FETCH item but found " + t.rest());
        if (t.peek() == '[') {
            return switch (name) {
                case "BODY" -> new FetchAttr.BodySection(section(), partial(), false);
                case "BODY.PEEK" -> new FetchAttr.BodySection(section(), partial(), true);
                case "BINARY" -> new FetchAttr.Binary(binarySection(), partial(), false);
                case "BINARY.PEEK" -> new FetchAttr.Binary(binarySection(), partial(), true);
                case "BINARY.SIZE" -> new FetchAttr.BinarySize(binarySection());
                default -> throw new ImapSyntaxException("unknown FETCH item " + ImapParser.printable(name) + "[");
            };
        }
        return switch (name) {
            case "FLAGS" -> FetchAttr.Simple.FLAGS;
            case "INTERNALDATE" -> FetchAttr.Simple.INTERNALDATE;
            case "RFC822.SIZE" -> FetchAttr.Simple.RFC822_SIZE;
            case "ENVELOPE" -> FetchAttr.Simple.ENVELOPE;
            case "BODY" -> FetchAttr.Simple.BODY;
            case "BODYSTRUCTURE" -> FetchAttr.Simple.BODYSTRUCTURE;
            case "UID" -> FetchAttr.Simple.UID;
            case "MODSEQ" -> FetchAttr.Simple.MODSEQ;
            case "RFC822" -> FetchAttr.Simple.RFC822;
            case "RFC822.HEADER" -> FetchAttr.Simple.RFC822_HEADER;
            case "RFC822.TEXT" -> FetchAttr.Simple.RFC822_TEXT;
            case "SAVEDATE" -> FetchAttr.Simple.SAVEDATE;
            case "EMAILID" -> FetchAttr.Simple.EMAILID;
            case "THREADID" -> FetchAttr.Simple.THREADID;
            case "PREVIEW" -> {
                previewModifiers();
                yield FetchAttr.Simple.PREVIEW;
            }
            default -> throw new ImapSyntaxException("unknown FETCH item " + ImapParser.printable(name));
        };
    }

    /**
     * RFC 8970 §3: ["(" preview-mod *(SP preview-mod) ")"] after PREVIEW; LAZY is the only modifier.
     * It lets the server answer NIL when the preview is costly; here it always answers it.
     */
    private void previewModifiers() throws ImapSyntaxException {
        if (!t.spaceThenParen()) return;
        t.sp();
        t.expect('(');
        int count = 0;
        do {
            String mod = t.atomUpper();
            if (!mod.equals("LAZY") || ++count > 1) throw new ImapSyntaxException("unknown PREVIEW modifier " + ImapParser.printable(mod));
        } while (t.trySp());
        t.expect(')');
    }

    /** A section-spec on its own, as an IMAP URL's ";SECTION=" gives it (RFC 5092 §6, percent-decoded). */
    static Section sectionOf(String text) throws ImapSyntaxException {
        byte[] bytes = ("[" + text + "]").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Tokens t = new Tokens(new RawCommand("", "", List.of(bytes), List.of()));
        Section section = new FetchParser(t).section();
        t.end();
        return section;
    }

    /** "[" [section-spec] "]". */
    private Section section() throws ImapSyntaxException {
        t.expect('[');
        List<Integer> part = new ArrayList<>();
        Section.Kind kind = Section.Kind.ALL;
        List<String> fields = List.of();
        if (t.peek() != ']') {
            while (t.peek() >= '0' && t.peek() <= '9') {
                long n = t.nzNumber();
                if (part.size() >= 100) throw new ImapSyntaxException("section part too deep");
                part.add((int) Math.min(n, Integer.MAX_VALUE));
                if (!t.tryConsume('.')) break;
            }
            if (t.peek() != ']') {
                String text = t.run(b -> (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '.').toUpperCase(Locale.ROOT);
                switch (text) {
                    case "HEADER" -> kind = Section.Kind.HEADER;
                    case "TEXT" -> kind = Section.Kind.TEXT;
                    case "MIME" -> {
                        if (part.isEmpty()) throw new ImapSyntaxException("MIME needs a part number");
                        kind = Section.Kind.MIME;
                    }
                    case "HEADER.FIELDS", "HEADER.FIELDS.NOT" -> {
                        kind = text.endsWith(".NOT") ? Section.Kind.HEADER_FIELDS_NOT : Section.Kind.HEADER_FIELDS;
                        t.sp();
                        fields = headerList();
                    }
                    default -> throw new ImapSyntaxException("invalid section " + ImapParser.printable(text));
                }
            } else if (part.isEmpty()) {
                throw new ImapSyntaxException("invalid section");
            }
        }
        t.expect(']');
        int[] path = new int[part.size()];
        for (int i = 0; i < path.length; i++) path[i] = part.get(i);
        return new Section(path, kind, fields);
    }

    private List<String> headerList() throws ImapSyntaxException {
        t.expect('(');
        List<String> out = new ArrayList<>();
        do {
            if (out.size() >= ImapParser.MAX_ITEMS) throw new ImapSyntaxException("too many header fields");
            String name = t.astring();
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= ' ' || c >= 0x7f || c == ':') throw new ImapSyntaxException("invalid header field name");
            }
            out.add(name);
        } while (t.trySp());
        t.expect(')');
        return List.copyOf(out);
    }

    /** section-binary: "[" [section-part] "]". */
    private int[] binarySection() throws ImapSyntaxException {
        t.expect('[');
        List<Integer> part = new ArrayList<>();
        while (t.peek() >= '0' && t.peek() <= '9') {
            part.add((int) Math.min(t.nzNumber(), Integer.MAX_VALUE));
            if (part.size() > 100) throw new ImapSyntaxException("section part too deep");
            if (!t.tryConsume('.')) break;
        }
        t.expect(']');
        int[] path = new int[part.size()];
        for (int i = 0; i < path.length; i++) path[i] = part.get(i);
        return path;
    }

    /** "<" number "." nz-number ">", or none. */
    private FetchAttr.Partial partial() throws ImapSyntaxException {
        if (!t.tryConsume('<')) return null;
        long offset = t.number();
        t.expect('.');
        long length = t.nzNumber();
        t.expect('>');
        return new FetchAttr.Partial(offset, length);
    }
}
