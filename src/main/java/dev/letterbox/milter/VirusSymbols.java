package dev.letterbox.milter;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a filter's answer says about viruses, as RFC 3685 virustest counts: rspamd reports the
 * symbols a message hit in the {@code X-Spamd-Result} field it adds (its milter_headers module,
 * {@code extended_spam_headers = true}), and its antivirus module adds a symbol per scanner when
 * that scanner finds something ({@code CLAM_VIRUS} for ClamAV in rspamd's own example) or the
 * symbol with {@code _FAIL} after it when the scan failed.
 *
 * <p>Only the fields the filter itself adds are read, never the message's own: a sender could
 * otherwise write {@code X-Spamd-Result} to pass as scanned and clean.
 */
public record VirusSymbols(Set<String> symbols) {
    /** The symbols of rspamd's shipped ClamAV rule: its example symbol, or the rule's name in capitals. */
    public static final List<String> RSPAMD_DEFAULTS = List.of("CLAM_VIRUS", "CLAMAV");
    /** RFC 3685 §4.1: 1 "message was tested and contains no known viruses", 5 "known virus(es) found". */
    public static final int CLEAN = 1, INFECTED = 5;
    private static final String RESULT_FIELD = "X-Spamd-Result";

    public VirusSymbols {
        Set<String> upper = new HashSet<>();
        for (String s : symbols) upper.add(s.strip().toUpperCase(Locale.ROOT));
        symbols = Set.copyOf(upper);
    }

    public static VirusSymbols of(List<String> symbols) {
        return new VirusSymbols(new HashSet<>(symbols));
    }

    /**
     * The virustest level of a message the filter answered with {@code changes}: {@link #INFECTED}
     * when it reports one of our symbols, {@link #CLEAN} when it reports its symbols and none of
     * ours, empty (not tested) when it reports no symbols, a scan failed, or we watch for none.
     */
    public OptionalInt level(List<HeaderChange> changes) {
        if (symbols.isEmpty()) return OptionalInt.empty();
        Set<String> reported = null;
        for (HeaderChange c : changes) {
            if (c instanceof HeaderChange.Change change && change.deletes()) continue;
            if (c.name().equalsIgnoreCase(RESULT_FIELD)) reported = reportedSymbols(c.value());
        }
        if (reported == null) return OptionalInt.empty();
        boolean failed = false;
        for (String s : symbols) {
            if (reported.contains(s)) return OptionalInt.of(INFECTED);
            failed |= reported.contains(s + "_FAIL");
        }
        return failed ? OptionalInt.empty() : OptionalInt.of(CLEAN);
    }

    /**
     * The symbol names in an {@code X-Spamd-Result} value, "default: False [1.20 / 15.00];
     * CLAM_VIRUS(1.00)[Eicar-Signature]; ...": each "; "-separated item's name before its score.
     */
    static Set<String> reportedSymbols(String value) {
        Set<String> out = new HashSet<>();
        for (String item : value.split(";")) {
            String s = item.strip();
            int paren = s.indexOf('(');
            if (paren <= 0) continue; // the "default: ..." summary has no score in parentheses
            out.add(s.substring(0, paren).strip().toUpperCase(Locale.ROOT));
        }
        return out;
    }
}
