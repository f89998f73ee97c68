package dev.letterbox.dmarc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A DMARC policy record (RFC 7489 §6.3), as published in TXT at {@code _dmarc.<domain>}.
 *
 * @param p     the policy for the domain the record was found at
 * @param sp    the policy for its subdomains, when given (else {@code p} applies)
 * @param pct   0 to 100: the share of failing messages the policy is applied to (§6.6.4)
 * @param adkim DKIM identifier alignment
 * @param aspf  SPF identifier alignment
 * @param rua   where aggregate reports go (syntactically valid URIs only, at most {@link #MAX_URIS})
 * @param ruf   where failure reports go (Letterbox sends none; kept for completeness)
 * @param ri    the requested aggregate report interval in seconds
 * @param fo    failure reporting options, as written ("0", "1", "d", "s" joined by ':')
 * @param rf    failure report formats, as written
 * @param pNoneStandIn the record had no valid {@code p} (or an invalid {@code sp}) but a valid
 *              {@code rua}, so it stands for "p=none" (§6.6.3 step 6): reports, no policy
 */
public record DmarcRecord(Disposition p, Optional<Disposition> sp, int pct, Alignment adkim, Alignment aspf,
                          List<ReportUri> rua, List<ReportUri> ruf, long ri, String fo, String rf, boolean pNoneStandIn) {
    /** TXT records are joined from 255-octet strings; a policy record needs far less. */
    static final int MAX_LENGTH = 4096;
    static final int MAX_TAGS = 32;
    static final int MAX_URIS = 10;
    static final long DEFAULT_INTERVAL = 86_400;

    public DmarcRecord {
        rua = List.copyOf(rua);
        ruf = List.copyOf(ruf);
    }

    /** Identifier alignment mode (RFC 7489 §3.1). */
    public enum Alignment {
        RELAXED, STRICT;

        /** "r" or "s", as in records and reports. */
        public String token() {
            return this == RELAXED ? "r" : "s";
        }
    }

    /** The policy for mail from a subdomain of the domain the record was found at. */
    public Disposition subdomainPolicy() {
        return sp.orElse(p);
    }

    /** What a TXT record at a {@code _dmarc} name turned out to be. */
    public sealed interface Parsed {}

    /** A usable policy record. */
    public record Valid(DmarcRecord record) implements Parsed {}

    /** Not a DMARC record at all: it does not begin with {@code v=DMARC1} (§6.6.3 discards these). */
    public record NotDmarc() implements Parsed {}

    /** Begins with {@code v=DMARC1} but cannot be used (bad syntax, no valid policy and no report address). */
    public record Invalid(String why) implements Parsed {}

    /**
     * Reads one TXT record (its strings joined). Tag names and the keyword values are
     * case-insensitive (ABNF strings), {@code v=DMARC1} is exact (§6.4). Unknown tags are ignored;
     * a known optional tag with a bad value gets its default; a tag given twice makes the record
     * invalid (as in DKIM's tag lists, which DMARC's follow).
     */
    public static Parsed parse(String txt) {
        String[] specs = txt.split(";", MAX_TAGS + 2);
        if (!isVersionTag(specs[0])) return new NotDmarc();
        if (txt.length() > MAX_LENGTH) return new Invalid("record longer than " + MAX_LENGTH + " characters");
        if (specs.length > MAX_TAGS + 1) return new Invalid("more than " + MAX_TAGS + " tags");
        Map<String, String> tags = new HashMap<>();
        for (int i = 1; i < specs.length; i++) {
            String spec = specs[i].strip();
            if (spec.isEmpty()) continue; // a trailing ';', or ";;"
            int eq = spec.indexOf('=');
            if (eq <= 0) return new Invalid("not a tag=value pair: " + printable(spec));
            String name = spec.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (!name.matches("[a-z][a-z0-9_]*")) return new Invalid("bad tag name: " + printable(name));
            if (tags.put(name, spec.substring(eq + 1).strip()) != null) return new Invalid("tag " + name + " given twice");
        }
        return interpret(tags);
    }

    private static boolean isVersionTag(String spec) {
        int eq = spec.indexOf('=');
        return eq > 0 && spec.substring(0, eq).strip().equalsIgnoreCase("v") && spec.substring(eq + 1).strip().equals("DMARC1");
    }

    private static Parsed interpret(Map<String, String> tags) {
        Optional<Disposition> p = Optional.ofNullable(tags.get("p")).flatMap(Disposition::parse);
        String spText = tags.get("sp");
        Optional<Disposition> sp = spText == null ? Optional.empty() : Disposition.parse(spText);
        List<ReportUri> rua = uris(tags.get("rua"));
        List<ReportUri> ruf = uris(tags.get("ruf"));
        boolean policyUsable = p.isPresent() && (spText == null || sp.isPresent());
        if (!policyUsable && rua.isEmpty()) {
            return new Invalid(p.isEmpty() ? "no valid p tag" : "sp tag not valid");
        }
        return new Valid(new DmarcRecord(
                policyUsable ? p.get() : Disposition.NONE,
                policyUsable ? sp : Optional.empty(),
                percent(tags.get("pct")),
                alignment(tags.get("adkim")),
                alignment(tags.get("aspf")),
                rua, ruf,
                interval(tags.get("ri")),
                failureOptions(tags.get("fo")),
                Optional.ofNullable(tags.get("rf")).filter(v -> v.matches("[A-Za-z0-9-]+(\\s*:\\s*[A-Za-z0-9-]+)*")).orElse("afrf"),
                !policyUsable));
    }

    /** The comma-separated URIs of rua/ruf: the valid ones, at most MAX_URIS. */
    private static List<ReportUri> uris(String value) {
        List<ReportUri> out = new ArrayList<>();
        if (value == null) return out;
        for (String part : value.split(",", MAX_URIS * 4)) {
            if (out.size() == MAX_URIS) break;
            ReportUri.parse(part).ifPresent(out::add);
        }
        return out;
    }

    private static int percent(String value) {
        if (value == null || !value.matches("[0-9]{1,3}")) return 100;
        int n = Integer.parseInt(value);
        return n > 100 ? 100 : n;
    }

    private static Alignment alignment(String value) {
        return value != null && value.equalsIgnoreCase("s") ? Alignment.STRICT : Alignment.RELAXED;
    }

    private static long interval(String value) {
        if (value == null || !value.matches("[0-9]{1,10}")) return DEFAULT_INTERVAL;
        long n = Long.parseLong(value);
        return n > 0xFFFF_FFFFL ? DEFAULT_INTERVAL : n;
    }

    private static String failureOptions(String value) {
        if (value == null) return "0";
        String compact = value.replaceAll("\\s", "").toLowerCase(Locale.ROOT);
        return compact.matches("[01ds](:[01ds])*") ? compact : "0";
    }

    /** For messages about bad records: bounded, and no control characters from DNS reach a log line. */
    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
