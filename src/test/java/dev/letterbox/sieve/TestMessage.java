package dev.letterbox.sieve;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** A message view for tests: header fields and body from a raw message, everything else settable. */
class TestMessage implements MessageView {
    final List<HeaderField> headers = new ArrayList<>();
    String body = "";
    String from = "sender@example.org";
    String to = "rcpt@example.com";
    String auth;
    final List<BodyPart> parts = new ArrayList<>();
    ZonedDateTime now = ZonedDateTime.parse("2024-03-15T10:30:00+01:00");
    final Map<String, String> environment = new HashMap<>();
    Integer spam;
    Integer virus;
    final Set<String> mailboxes = new HashSet<>(Set.of("INBOX"));
    final Set<String> seenIds = new HashSet<>();
    final Map<String, String> personal = new HashMap<>();
    final Map<String, String> global = new HashMap<>();

    /** Header fields up to the first empty line, the rest as body; LF or CRLF. */
    static TestMessage of(String raw) {
        TestMessage m = new TestMessage();
        String text = raw.replace("\r\n", "\n");
        int end = text.indexOf("\n\n");
        String head = end < 0 ? text : text.substring(0, end);
        m.body = end < 0 ? "" : text.substring(end + 2).replace("\n", "\r\n");
        for (String line : head.split("\n")) {
            if (line.isEmpty()) continue;
            if ((line.startsWith(" ") || line.startsWith("\t")) && !m.headers.isEmpty()) {
                HeaderField last = m.headers.remove(m.headers.size() - 1);
                m.headers.add(new HeaderField(last.name(), last.value() + "\r\n" + line));
            } else {
                int colon = line.indexOf(':');
                m.headers.add(new HeaderField(line.substring(0, colon), line.substring(colon + 1)));
            }
        }
        if (!m.body.isEmpty()) m.parts.add(new BodyPart("text/plain", m.body));
        return m;
    }

    TestMessage envelope(String from, String to) {
        this.from = from;
        this.to = to;
        return this;
    }

    @Override
    public List<HeaderField> headers() {
        return List.copyOf(headers);
    }

    @Override
    public String envelopeFrom() {
        return from;
    }

    @Override
    public String envelopeTo() {
        return to;
    }

    @Override
    public Optional<String> envelopeAuth() {
        return Optional.ofNullable(auth);
    }

    @Override
    public long size() {
        long n = body.length();
        for (HeaderField h : headers) n += h.name().length() + h.value().length() + 3;
        return n + 2;
    }

    @Override
    public String rawBody() {
        return body;
    }

    @Override
    public List<BodyPart> bodyParts() {
        return parts;
    }

    @Override
    public ZonedDateTime now() {
        return now;
    }

    @Override
    public Optional<String> environment(String item) {
        return Optional.ofNullable(environment.get(item));
    }

    @Override
    public OptionalInt spamPercent() {
        return spam == null ? OptionalInt.empty() : OptionalInt.of(spam);
    }

    @Override
    public OptionalInt virusLevel() {
        return virus == null ? OptionalInt.empty() : OptionalInt.of(virus);
    }

    @Override
    public boolean mailboxExists(String name) {
        return mailboxes.contains(name);
    }

    @Override
    public DuplicateTracker duplicates() {
        return (id, seconds) -> seenIds.contains(id);
    }

    @Override
    public IncludeResolver includes() {
        return IncludeResolver.compiling((location, name) -> Optional.ofNullable(
                (location == IncludeResolver.Location.GLOBAL ? global : personal).get(name)), Limits.defaults());
    }
}
