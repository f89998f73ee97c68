package dev.letterbox.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One "v=spf1" record, parsed whole before evaluation starts (RFC 7208 §4.6: a syntax error anywhere
 * is a permerror, even after a mechanism that would have matched).
 *
 * @param directives  the mechanisms with their qualifiers, in order
 * @param redirect    the redirect= domain-spec, or null
 * @param explanation the exp= domain-spec, or null
 */
record SpfRecord(List<Directive> directives, MacroString redirect, MacroString explanation) {
    private static final String VERSION = "v=spf1";

    /** §4.6.2: a mechanism's result when it matches. */
    enum Qualifier {
        PASS, FAIL, SOFTFAIL, NEUTRAL;

        SpfResult.Result result() {
            return switch (this) {
                case PASS -> SpfResult.Result.PASS;
                case FAIL -> SpfResult.Result.FAIL;
                case SOFTFAIL -> SpfResult.Result.SOFTFAIL;
                case NEUTRAL -> SpfResult.Result.NEUTRAL;
            };
        }
    }

    /** A qualified mechanism; {@code text} is the term as written, for Received-SPF's mechanism=. */
    record Directive(Qualifier qualifier, Mechanism mechanism, String text) {}

    /** §5: the eight mechanisms. */
    sealed interface Mechanism {
        record All() implements Mechanism {}

        record Include(MacroString domain) implements Mechanism {}

        /** {@code domain} null means the current domain. */
        record A(MacroString domain, int ip4Prefix, int ip6Prefix) implements Mechanism {}

        record Mx(MacroString domain, int ip4Prefix, int ip6Prefix) implements Mechanism {}

        record Ptr(MacroString domain) implements Mechanism {}

        /** ip4: and ip6: alike; the network's length tells the family. */
        record Ip(Network network) implements Mechanism {}

        record Exists(MacroString domain) implements Mechanism {}
    }

    /** §4.5: "v=spf1" in any case, then a space or the end; "v=spf10" is something else. */
    static boolean isSpf(String txt) {
        return txt.regionMatches(true, 0, VERSION, 0, VERSION.length())
                && (txt.length() == VERSION.length() || txt.charAt(VERSION.length()) == ' ');
    }

    /** True when an "all" mechanism appears anywhere (§6.1: then redirect is ignored). */
    boolean hasAll() {
        for (Directive d : directives) if (d.mechanism() instanceof Mechanism.All) return true;
        return false;
    }

    /** Parses a record that {@link #isSpf} accepted. Terms are separated by one or more spaces only. */
    static SpfRecord parse(String txt) throws SpfException {
        List<Directive> directives = new ArrayList<>();
        MacroString redirect = null;
        MacroString explanation = null;
        int i = VERSION.length();
        while (i < txt.length()) {
            if (txt.charAt(i) == ' ') {
                i++;
                continue;
            }
            int end = txt.indexOf(' ', i);
            if (end < 0) end = txt.length();
            String term = txt.substring(i, end);
            i = end;
            int equals = modifierNameEnd(term);
            if (equals < 0) {
                directives.add(directive(term));
                continue;
            }
            String name = term.substring(0, equals).toLowerCase(Locale.ROOT);
            String value = term.substring(equals + 1);
            switch (name) {
                case "redirect" -> {
                    if (redirect != null) throw SpfException.perm("redirect= appears twice");
                    redirect = MacroString.domainSpec(value);
                }
                case "exp" -> {
                    if (explanation != null) throw SpfException.perm("exp= appears twice");
                    explanation = MacroString.domainSpec(value);
                }
                default -> MacroString.modifierValue(value); // §6: unknown modifiers are checked, then ignored
            }
        }
        return new SpfRecord(List.copyOf(directives), redirect, explanation);
    }

    /** The index of '=' when {@code term} is a modifier: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ). */
    private static int modifierNameEnd(String term) {
        if (term.isEmpty() || !isAlpha(term.charAt(0))) return -1;
        int i = 1;
        while (i < term.length()) {
            char c = term.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' && c != '.') break;
            i++;
        }
        return i < term.length() && term.charAt(i) == '=' ? i : -1;
    }

    private static Directive directive(String term) throws SpfException {
        Qualifier qualifier = switch (term.charAt(0)) {
            case '+' -> Qualifier.PASS;
            case '-' -> Qualifier.FAIL;
            case '~' -> Qualifier.SOFTFAIL;
            case '?' -> Qualifier.NEUTRAL;
            default -> null;
        };
        String body = qualifier == null ? term : term.substring(1);
        int nameEnd = 0;
        while (nameEnd < body.length() && body.charAt(nameEnd) != ':' && body.charAt(nameEnd) != '/') nameEnd++;
        String name = body.substring(0, nameEnd).toLowerCase(Locale.ROOT);
        String rest = body.substring(nameEnd);
        Mechanism mechanism = switch (name) {
            case "all" -> {
                if (!rest.isEmpty()) throw SpfException.perm("\"all\" takes no argument: " + MacroString.printable(term));
                yield new Mechanism.All();
            }
            case "include" -> new Mechanism.Include(MacroString.domainSpec(argument(term, rest)));
            case "exists" -> new Mechanism.Exists(MacroString.domainSpec(argument(term, rest)));
            case "ptr" -> new Mechanism.Ptr(rest.isEmpty() ? null : MacroString.domainSpec(argument(term, rest)));
            case "a", "mx" -> addressMechanism(name, term, rest);
            case "ip4" -> new Mechanism.Ip(network(term, rest, 32));
            case "ip6" -> new Mechanism.Ip(network(term, rest, 128));
            default -> throw SpfException.perm("unknown mechanism \"" + MacroString.printable(term) + "\"");
        };
        return new Directive(qualifier == null ? Qualifier.PASS : qualifier, mechanism, term);
    }

    /** The text after the ':' that {@code rest} must start with. */
    private static String argument(String term, String rest) throws SpfException {
        if (!rest.startsWith(":")) throw SpfException.perm("\"" + MacroString.printable(term) + "\" needs \":domain\"");
        return rest.substring(1);
    }

    /** a and mx (§5.3, §5.4): [ ":" domain-spec ] [ ip4-cidr-length ] [ "//" ip6-cidr-length ]. */
    private static Mechanism addressMechanism(String name, String term, String rest) throws SpfException {
        int end = rest.length();
        int ip4Prefix = 32, ip6Prefix = 128;
        int digits = digitsBefore(rest, end);
        if (digits < end && digits >= 2 && rest.charAt(digits - 1) == '/' && rest.charAt(digits - 2) == '/') {
            ip6Prefix = prefix(term, rest.substring(digits, end), 128);
            end = digits - 2;
            digits = digitsBefore(rest, end);
        }
        if (digits < end && digits >= 1 && rest.charAt(digits - 1) == '/') {
            ip4Prefix = prefix(term, rest.substring(digits, end), 32);
            end = digits - 1;
        }
        String domainPart = rest.substring(0, end);
        MacroString domain = domainPart.isEmpty() ? null : MacroString.domainSpec(argument(term, domainPart));
        return name.equals("a") ? new Mechanism.A(domain, ip4Prefix, ip6Prefix) : new Mechanism.Mx(domain, ip4Prefix, ip6Prefix);
    }

    /** ip4 / ip6 (§5.6): ":" network [ "/" prefix ], nothing omitted, no dual lengths. */
    private static Network network(String term, String rest, int bits) throws SpfException {
        String value = argument(term, rest);
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        int prefix = slash < 0 ? bits : prefix(term, value.substring(slash + 1), bits);
        byte[] bytes = bits == 32 ? Network.parseIp4(address) : Network.parseIp6(address);
        if (bytes == null) throw SpfException.perm("malformed address in \"" + MacroString.printable(term) + "\"");
        return new Network(bytes, prefix);
    }

    /** A CIDR length: "0" or digits without a leading zero, at most {@code max} (§5.6). */
    private static int prefix(String term, String digits, int max) throws SpfException {
        boolean wellFormed = !digits.isEmpty() && digits.length() <= 3 && digitsBefore(digits, digits.length()) == 0
                && (digits.length() == 1 || digits.charAt(0) != '0');
        if (!wellFormed || Integer.parseInt(digits) > max) {
            throw SpfException.perm("bad CIDR length in \"" + MacroString.printable(term) + "\"");
        }
        return Integer.parseInt(digits);
    }

    /** The index where the run of ASCII digits ending at {@code end} starts. */
    private static int digitsBefore(String s, int end) {
        int i = end;
        while (i > 0 && s.charAt(i - 1) >= '0' && s.charAt(i - 1) <= '9') i--;
        return i;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
