package dev.letterbox.sieve;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What the compiler knows while compiling one script: its requires and the limits. */
final class CompileContext {
    /** Every capability this implementation offers (ManageSieve's SIEVE capability, RFC 5804 §1.7). */
    static final List<String> EXTENSIONS = List.of("fileinto", "reject", "ereject", "envelope",
            "encoded-character", "imap4flags", "body", "variables", "vacation", "vacation-seconds", "relational",
            "comparator-i;ascii-numeric", "comparator-i;octet", "comparator-i;ascii-casemap", "subaddress", "date",
            "index", "copy", "mailbox", "include", "duplicate", "editheader", "spamtest", "spamtestplus",
            "virustest", "environment", "regex");

    final Limits limits;
    private final Set<String> required = new HashSet<>();

    CompileContext(Limits limits) {
        this.limits = limits;
    }

    Set<String> required() {
        return Set.copyOf(required);
    }

    void require(Ast.Node node) throws SieveException {
        if (node.args().size() != 1 || !(node.args().get(0) instanceof Ast.Strings s) || node.block() != null
                || !node.tests().isEmpty()) {
            throw new SieveException(node.line(), "require needs one string or string list of extension names");
        }
        for (String ext : s.values()) {
            String e = ext.toLowerCase(Locale.ROOT);
            if (!EXTENSIONS.contains(e)) throw new SieveException(node.line(), "unknown extension \"" + ext + "\"");
            required.add(e);
        }
    }

    /** Whether the script required {@code ext} (or an extension that includes it). */
    boolean has(String ext) {
        if (required.contains(ext)) return true;
        return switch (ext) {
            case "vacation" -> required.contains("vacation-seconds");
            case "spamtest" -> required.contains("spamtestplus");
            default -> false;
        };
    }

    void need(String ext, int line, String what) throws SieveException {
        if (!has(ext)) throw new SieveException(line, what + " needs require \"" + ext + "\"");
    }

    /** A string as the script means it: encoded characters decoded when required (RFC 5228 §2.4.2.4). */
    String text(String raw, int line) throws SieveException {
        return has("encoded-character") ? EncodedCharacter.decode(raw, line) : raw;
    }

    /** A string argument that may contain variables. */
    Str str(Ast.Arg a) throws SieveException {
        return Str.of(text(((Ast.Strings) a).values().get(0), a.line()), has("variables"));
    }

    List<Str> strs(Ast.Arg a) throws SieveException {
        List<Str> out = new ArrayList<>();
        for (String v : ((Ast.Strings) a).values()) out.add(Str.of(text(v, a.line()), has("variables")));
        return List.copyOf(out);
    }

    /** A string the language says is not expanded (names of comparators, scripts, variables). */
    String constant(Ast.Arg a) throws SieveException {
        return text(((Ast.Strings) a).values().get(0), a.line());
    }

    List<String> constants(Ast.Arg a) throws SieveException {
        List<String> out = new ArrayList<>();
        for (String v : ((Ast.Strings) a).values()) out.add(text(v, a.line()));
        return out;
    }

    /** The call's COMPARATOR and MATCH-TYPE applied to {@code keys}. */
    Match match(Signature.Call call, List<Str> keys) throws SieveException {
        int line = call.line();
        Comparator cmp = Comparator.ASCII_CASEMAP;
        String cmpName = call.string(":comparator");
        if (cmpName != null) {
            cmpName = text(cmpName, line);
            cmp = Comparator.byName(cmpName);
            if (cmp == null) throw new SieveException(line, "unknown comparator \"" + cmpName + "\"");
            if (cmp == Comparator.ASCII_NUMERIC) need("comparator-i;ascii-numeric", line, "comparator " + cmp.id);
        }
        Match.Type type = Match.Type.IS;
        Match.Relation rel = null;
        if (call.has(":contains")) type = Match.Type.CONTAINS;
        else if (call.has(":matches")) type = Match.Type.MATCHES;
        else if (call.has(":regex")) type = Match.Type.REGEX;
        else if (call.has(":count") || call.has(":value")) {
            type = call.has(":count") ? Match.Type.COUNT : Match.Type.VALUE;
            String op = text(call.string(type == Match.Type.COUNT ? ":count" : ":value"), line);
            try {
                rel = Match.Relation.valueOf(op.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new SieveException(line, "unknown relation \"" + op + "\" (use gt, ge, lt, le, eq or ne)");
            }
        }
        if (!cmp.substrings() && (type == Match.Type.CONTAINS || type == Match.Type.MATCHES || type == Match.Type.REGEX)) {
            throw new SieveException(line, "comparator " + cmp.id + " cannot be used with :"
                    + type.name().toLowerCase(Locale.ROOT));
        }
        boolean captures = has("variables") && (type == Match.Type.MATCHES || type == Match.Type.REGEX);
        return new Match(type, rel, cmp, keys, captures, line);
    }
}
