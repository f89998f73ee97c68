package dev.letterbox.message;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What SORT, THREAD and the header keys of SEARCH read of one message, worked out once from its
 * structure and header so that repeated commands neither decode a structure nor read and parse the
 * header again: the RFC 5256 sort keys, the threading ids, and the decoded values of the fields
 * SEARCH FROM/TO/CC/BCC/SUBJECT look at, already folded with i;unicode-casemap. Immutable.
 *
 * <p>Memory: the strings it keeps, about 1.1–1.6 KiB for a message with a few addresses, a subject
 * and a short References field ({@link #estimatedBytes()}); a message's keys never change, so a node
 * may keep them as long as it likes.
 */
public final class HeaderKeys {
    /** The fields SEARCH answers from here; any other header key reads the message. */
    private static final List<String> SEARCHED = List.of("from", "to", "cc", "bcc", "subject");
    private static final String[] NONE = new String[0];

    private final Instant sentDate;
    private final String firstDateValue;
    private final String subject;
    private final String baseSubject;
    private final String sortFrom, sortTo, sortCc, displayFrom, displayTo;
    private final String messageId;
    private final List<String> references;
    /** Per {@link #SEARCHED} field: its decoded values, folded; empty when the message has no such field. */
    private final String[][] foldedValues;
    /** Per address field (from, to, cc, bcc): {@link MessageStructure#addressText}, folded. */
    private final String[] foldedAddresses;
    private final String foldedSubject;

    private HeaderKeys(MessageStructure s, HeaderBlock header) {
        this.sentDate = s.sentDate().orElse(null);
        List<String> dates = header.all("date");
        this.firstDateValue = dates.isEmpty() ? null : HeaderBlock.decodeWords(dates.getFirst());
        this.subject = s.subject();
        this.baseSubject = s.baseSubject();
        this.sortFrom = s.sortFrom();
        this.sortTo = s.sortTo();
        this.sortCc = s.sortCc();
        this.displayFrom = s.displayFrom();
        this.displayTo = s.displayTo();
        this.messageId = s.messageId();
        this.references = s.references();
        this.foldedValues = new String[SEARCHED.size()][];
        for (int i = 0; i < foldedValues.length; i++) {
            List<String> values = header.all(SEARCHED.get(i));
            String[] folded = values.isEmpty() ? NONE : new String[values.size()];
            for (int k = 0; k < folded.length; k++) folded[k] = UnicodeCasemap.key(HeaderBlock.decodeWords(values.get(k)));
            foldedValues[i] = folded;
        }
        this.foldedAddresses = new String[4];
        for (int i = 0; i < 4; i++) foldedAddresses[i] = UnicodeCasemap.key(s.addressText(SEARCHED.get(i)));
        this.foldedSubject = UnicodeCasemap.key(subject);
    }

    /**
     * The keys of a message from its structure and its bytes, read from the start ({@code blob} is
     * not closed; only the top-level header is read, bounded as for SEARCH).
     */
    public static HeaderKeys of(MessageStructure s, InputStream blob) throws IOException {
        byte[] bytes = blob.readNBytes((int) Math.min(s.root().bodyStart(), MimeTreeBuilder.MAX_HEADER_BYTES));
        return new HeaderKeys(s, HeaderBlock.parse(bytes, bytes.length));
    }

    /** True when {@link #fieldMatches} answers SEARCH HEADER on this field (any case of name). */
    public static boolean answers(String field) {
        return SEARCHED.contains(field.toLowerCase(Locale.ROOT));
    }

    /**
     * SEARCH FROM/TO/CC/BCC/SUBJECT and HEADER on those fields (RFC 3501 §6.4.4): {@code foldedNeedle}
     * (folded with {@link UnicodeCasemap#key}) is a substring of a decoded value of the field, or, for an
     * address field, of its addresses as parsed (without the comments a sender may put inside them).
     * An empty needle matches every message that has the field. A non-empty needle on Subject matches
     * the decoded subject ENVELOPE shows. Only for fields {@link #answers} accepts.
     */
    public boolean fieldMatches(String field, String foldedNeedle) {
        int i = SEARCHED.indexOf(field.toLowerCase(Locale.ROOT));
        if (i < 0) throw new IllegalArgumentException("not a field kept here: " + field);
        if (i == 4 && !foldedNeedle.isEmpty()) return foldedSubject.contains(foldedNeedle);
        String[] values = foldedValues[i];
        if (values.length == 0) return false;
        if (foldedNeedle.isEmpty()) return true;
        for (String v : values) if (v.contains(foldedNeedle)) return true;
        return i < 4 && foldedAddresses[i].contains(foldedNeedle);
    }

    /** From the Date: field, as {@link MessageStructure#sentDate()} (RFC 5256 SORT DATE); null when none. */
    public Instant sentDate() {
        return sentDate;
    }

    /** The first Date: field's decoded text (for SENTBEFORE/ON/SINCE, which read its own calendar day); null when none. */
    public String firstDateValue() {
        return firstDateValue;
    }

    /** As {@link MessageStructure#subject()}. */
    public String subject() {
        return subject;
    }

    /** As {@link MessageStructure#baseSubject()}. */
    public String baseSubject() {
        return baseSubject;
    }

    public String sortFrom() {
        return sortFrom;
    }

    public String sortTo() {
        return sortTo;
    }

    public String sortCc() {
        return sortCc;
    }

    public String displayFrom() {
        return displayFrom;
    }

    public String displayTo() {
        return displayTo;
    }

    /** As {@link MessageStructure#messageId()}. */
    public String messageId() {
        return messageId;
    }

    /** As {@link MessageStructure#references()}. */
    public List<String> references() {
        return references;
    }

    /**
     * Roughly what this object holds on the heap, in bytes (compact strings of Latin-1 text: 40 bytes
     * of object and array header, then one byte a character; other text counts double).
     */
    public long estimatedBytes() {
        long total = 120 + bytes(firstDateValue) + bytes(subject) + bytes(baseSubject) + bytes(sortFrom) + bytes(sortTo)
                + bytes(sortCc) + bytes(displayFrom) + bytes(displayTo) + bytes(messageId) + bytes(foldedSubject);
        for (String r : references) total += 8 + bytes(r);
        for (String[] values : foldedValues) {
            total += 16 + 4L * values.length;
            for (String v : values) total += bytes(v);
        }
        for (String a : foldedAddresses) total += 4 + bytes(a);
        return total;
    }

    private static long bytes(String s) {
        if (s == null) return 0;
        int n = s.length();
        for (int i = 0; i < n; i++) if (s.charAt(i) > 0xff) return 40 + 2L * n;
        return 40 + n;
    }
}
