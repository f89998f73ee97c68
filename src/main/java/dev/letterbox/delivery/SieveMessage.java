package dev.letterbox.delivery;

import dev.letterbox.message.MessageStructure;
import dev.letterbox.message.Sections;
import dev.letterbox.sieve.BodyPart;
import dev.letterbox.sieve.DuplicateTracker;
import dev.letterbox.sieve.HeaderField;
import dev.letterbox.sieve.IncludeResolver;
import dev.letterbox.sieve.MessageView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * The message as one account's Sieve script sees it at delivery: the header section as the client
 * sent it (the fields the pipeline puts in front are not the script's business, except the checks'
 * verdicts, which reach it as spamtest and virustest), the envelope, and the body read back from the
 * spool only when a body test asks, bounded.
 */
final class SieveMessage implements MessageView {
    /** Parts and octets of body the body test may look at; the rest is not searched. */
    static final int MAX_PARTS = 64;
    static final int MAX_BODY_OCTETS = 1 << 20;
    /** Of a bigger message, parts are read from its first this many octets only (held in memory meanwhile). */
    static final int MAX_MESSAGE_READ = 4 << 20;

    /**
     * What the checks of mail from the Internet found (RFC 3685): spam 0-100, virus 1 (clean) to
     * 5 (infected); each empty when nothing tested the message for it.
     */
    record Scans(OptionalInt spamPercent, OptionalInt virusLevel) {}

    /** Reads the spooled message again (the body test only). */
    interface Source {
        InputStream open() throws IOException;
    }

    private final List<HeaderField> headers;
    private final String envelopeFrom, envelopeTo;
    private final Optional<String> auth;
    private final long size;
    private final long bodyStart;
    private final Source source;
    private final MessageStructure structure;
    private final Scans scans;
    private final Predicate<String> mailboxExists;
    private final DuplicateTracker duplicates;
    private final java.util.function.Function<String, Optional<String>> environment;
    private final IncludeResolver includes;
    private String rawBody;
    private List<BodyPart> parts;

    SieveMessage(byte[] header, String envelopeFrom, String envelopeTo, Optional<String> auth, long size, long bodyStart,
                 Source source, MessageStructure structure, Scans scans, Predicate<String> mailboxExists,
                 DuplicateTracker duplicates, java.util.function.Function<String, Optional<String>> environment,
                 IncludeResolver includes) {
        this(fields(header), envelopeFrom, envelopeTo, auth, size, bodyStart, source, structure, scans, mailboxExists,
                duplicates, environment, includes);
    }

    private SieveMessage(List<HeaderField> headers, String envelopeFrom, String envelopeTo, Optional<String> auth, long size,
                         long bodyStart, Source source, MessageStructure structure, Scans scans,
                         Predicate<String> mailboxExists, DuplicateTracker duplicates,
                         java.util.function.Function<String, Optional<String>> environment, IncludeResolver includes) {
        this.headers = headers;
        this.envelopeFrom = envelopeFrom;
        this.envelopeTo = envelopeTo;
        this.auth = auth;
        this.size = size;
        this.bodyStart = bodyStart;
        this.source = source;
        this.structure = structure;
        this.scans = scans;
        this.mailboxExists = mailboxExists;
        this.duplicates = duplicates;
        this.environment = environment;
        this.includes = includes;
    }

    /** The same message with the header fields a script left (RFC 5293): what the next script sees. */
    SieveMessage withHeaders(List<HeaderField> changed) {
        SieveMessage m = new SieveMessage(List.copyOf(changed), envelopeFrom, envelopeTo, auth, size, bodyStart, source,
                structure, scans, mailboxExists, duplicates, environment, includes);
        m.rawBody = rawBody;
        m.parts = parts;
        return m;
    }

    /** The raw fields of a header section: value after the colon, folds kept, final CRLF dropped. */
    static List<HeaderField> fields(byte[] header) {
        List<HeaderField> out = new ArrayList<>();
        String text = new String(header, StandardCharsets.UTF_8);
        int i = 0;
        while (i < text.length()) {
            int end = i;
            while (true) { // a field ends at a CRLF not followed by white space
                int crlf = text.indexOf("\r\n", end);
                if (crlf < 0) {
                    end = text.length();
                    break;
                }
                end = crlf;
                if (crlf + 2 < text.length() && (text.charAt(crlf + 2) == ' ' || text.charAt(crlf + 2) == '\t')) {
                    end = crlf + 2;
                    continue;
                }
                break;
            }
            String line = text.substring(i, end);
            int colon = line.indexOf(':');
            if (colon > 0) out.add(new HeaderField(line.substring(0, colon).strip(), line.substring(colon + 1)));
            i = Math.min(text.length(), end + 2);
            if (line.isEmpty()) break; // the blank line ending the header section
        }
        return out;
    }

    /** The header section of these fields, blank line included: what a changed copy is stored with. */
    static byte[] headerSection(List<HeaderField> fields) {
        StringBuilder sb = new StringBuilder();
        for (HeaderField f : fields) sb.append(f.name()).append(':').append(f.value()).append("\r\n");
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public List<HeaderField> headers() {
        return headers;
    }

    @Override
    public String envelopeFrom() {
        return envelopeFrom;
    }

    @Override
    public String envelopeTo() {
        return envelopeTo;
    }

    @Override
    public Optional<String> envelopeAuth() {
        return auth;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String rawBody() {
        if (rawBody == null) {
            try (InputStream in = source.open()) {
                in.skipNBytes(bodyStart);
                rawBody = new String(in.readNBytes(MAX_BODY_OCTETS), StandardCharsets.UTF_8);
            } catch (IOException e) {
                rawBody = "";
            }
        }
        return rawBody;
    }

    /** The leaf parts, transfer encoding and charset decoded; message/rfc822 parts are not entered. */
    @Override
    public List<BodyPart> bodyParts() {
        if (parts == null) parts = readParts();
        return parts;
    }

    private List<BodyPart> readParts() {
        if (structure == null) return List.of();
        List<BodyPart> out = new ArrayList<>();
        long[] budget = {MAX_BODY_OCTETS};
        try (InputStream in = source.open()) {
            SeekableByteChannel message = channel(in.readNBytes(MAX_MESSAGE_READ));
            collect(message, new int[] {1}, out, budget);
        } catch (IOException | RuntimeException e) {
            return out; // what could be read; the rest is not searched
        }
        return out;
    }

    private void collect(SeekableByteChannel message, int[] path, List<BodyPart> out, long[] budget) throws IOException {
        for (int i = 1; out.size() < MAX_PARTS && budget[0] > 0; i++) {
            path[path.length - 1] = i;
            Optional<MessageStructure.Part> p = structure.part(path);
            if (p.isEmpty()) return;
            MessageStructure.Part part = p.get();
            if (part.mediaType().equals("multipart")) {
                int[] child = Arrays.copyOf(path, path.length + 1);
                collect(message, child, out, budget);
            } else {
                byte[] content = Sections.decodedContent(message, part).orElse(new byte[0]);
                int take = (int) Math.min(content.length, budget[0]);
                budget[0] -= take;
                out.add(new BodyPart(part.mediaType() + "/" + part.mediaSubtype(),
                        new String(content, 0, take, charset(part.charset()))));
            }
            if (path.length == 1 && !structure.part(new int[] {2}).isPresent()) return; // a single-part message
        }
    }

    private static Charset charset(String name) {
        try {
            return name == null ? StandardCharsets.US_ASCII : Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    @Override
    public Optional<String> environment(String item) {
        return environment.apply(item);
    }

    @Override
    public OptionalInt spamPercent() {
        return scans.spamPercent();
    }

    @Override
    public OptionalInt virusLevel() {
        return scans.virusLevel();
    }

    @Override
    public boolean mailboxExists(String name) {
        return mailboxExists.test(name);
    }

    @Override
    public DuplicateTracker duplicates() {
        return duplicates;
    }

    @Override
    public IncludeResolver includes() {
        return includes;
    }

    /** The spooled message in memory for the part reader (bounded by the caller). */
    private static SeekableByteChannel channel(byte[] bytes) {
        return new SeekableByteChannel() {
            private long position;

            @Override
            public int read(ByteBuffer dst) {
                if (position >= bytes.length) return -1;
                int n = (int) Math.min(dst.remaining(), bytes.length - position);
                dst.put(bytes, (int) position, n);
                position += n;
                return n;
            }

            @Override
            public int write(ByteBuffer src) {
                throw new UnsupportedOperationException();
            }

            @Override
            public long position() {
                return position;
            }

            @Override
            public SeekableByteChannel position(long p) {
                position = p;
                return this;
            }

            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public SeekableByteChannel truncate(long s) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        };
    }
}
