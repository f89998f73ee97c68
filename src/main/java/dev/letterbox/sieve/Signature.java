package dev.letterbox.sieve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments a command or test takes (RFC 5228 §2.6): tagged arguments in any order, then the
 * positional ones. Checking a call against it gives the errors an author can act on: which tag is
 * unknown, which extension a tag needs, which tags exclude each other, what positional is missing.
 */
final class Signature {
    enum Kind { NONE, NUMBER, STRING, LIST }

    record TagDef(String tag, Kind value, String extension, String group) {}

    record Positional(Kind kind, String what) {}

    final String name;
    private final Map<String, TagDef> tags = new LinkedHashMap<>();
    private final List<Positional> positionals = new ArrayList<>();
    private int optionalLeading;
    private int optionalTrailing;

    Signature(String name) {
        this.name = name;
    }

    Signature tag(String tag, Kind value, String extension, String group) {
        tags.put(tag, new TagDef(tag, value, extension, group));
        return this;
    }

    Signature tag(String tag, String extension) {
        return tag(tag, Kind.NONE, extension, null);
    }

    /** COMPARATOR and MATCH-TYPE (RFC 5228 §2.7) with relational (RFC 5231) and regex. */
    Signature matching() {
        tag(":comparator", Kind.STRING, null, null);
        for (String t : List.of(":is", ":contains", ":matches")) tag(t, Kind.NONE, null, "match type");
        tag(":regex", Kind.NONE, "regex", "match type");
        tag(":count", Kind.STRING, "relational", "match type");
        return tag(":value", Kind.STRING, "relational", "match type");
    }

    /** ADDRESS-PART (RFC 5228 §2.7.4) with subaddress (RFC 5233). */
    Signature addressParts() {
        for (String t : List.of(":all", ":localpart", ":domain")) tag(t, Kind.NONE, null, "address part");
        tag(":user", Kind.NONE, "subaddress", "address part");
        return tag(":detail", Kind.NONE, "subaddress", "address part");
    }

    /** RFC 5260 §6 :index and :last. */
    Signature index() {
        tag(":index", Kind.NUMBER, "index", null);
        return tag(":last", Kind.NONE, "index", null);
    }

    Signature positional(Kind kind, String what) {
        positionals.add(new Positional(kind, what));
        return this;
    }

    /** The first {@code n} positionals may be left out (setflag's variable name, for one). */
    Signature optionalLeading(int n) {
        optionalLeading = n;
        return this;
    }

    /** The last {@code n} positionals may be left out (deleteheader's value patterns). */
    Signature optionalTrailing(int n) {
        optionalTrailing = n;
        return this;
    }

    /** The call's arguments, checked. Optional positionals left out are null in {@code pos}. */
    record Call(Ast.Node node, Map<String, Ast.Arg> tags, List<Ast.Arg> pos) {
        boolean has(String tag) {
            return tags.containsKey(tag);
        }

        long number(String tag) {
            return ((Ast.Number) tags.get(tag)).value();
        }

        List<String> strings(String tag) {
            Ast.Arg a = tags.get(tag);
            return a == null ? null : ((Ast.Strings) a).values();
        }

        String string(String tag) {
            Ast.Arg a = tags.get(tag);
            return a == null ? null : ((Ast.Strings) a).values().get(0);
        }

        int line() {
            return node.line();
        }
    }

    Call check(Ast.Node node, CompileContext ctx) throws SieveException {
        Map<String, Ast.Arg> seen = new HashMap<>();
        Map<String, String> groups = new HashMap<>();
        List<Ast.Arg> args = node.args();
        int i = 0;
        for (; i < args.size() && args.get(i) instanceof Ast.Tag t; i++) {
            TagDef def = tags.get(t.name());
            if (def == null) throw new SieveException(t.line(), name + " does not take " + t.name());
            if (def.extension() != null) ctx.need(def.extension(), t.line(), name + " " + t.name());
            if (seen.containsKey(t.name())) throw new SieveException(t.line(), t.name() + " is given twice");
            if (def.group() != null) {
                String other = groups.put(def.group(), t.name());
                if (other != null) {
                    throw new SieveException(t.line(), name + " takes one " + def.group() + ", not both "
                            + other + " and " + t.name());
                }
            }
            Ast.Arg value = t;
            if (def.value() != Kind.NONE) {
                if (i + 1 >= args.size() || args.get(i + 1) instanceof Ast.Tag) {
                    throw new SieveException(t.line(), t.name() + " needs " + describe(def.value()) + " after it");
                }
                value = args.get(++i);
                checkKind(value, def.value(), t.name() + "'s value");
            }
            seen.put(t.name(), value);
        }
        List<Ast.Arg> pos = new ArrayList<>(args.subList(i, args.size()));
        for (Ast.Arg a : pos) {
            if (a instanceof Ast.Tag t) {
                throw new SieveException(t.line(), t.name() + " must come before " + name + "'s other arguments");
            }
        }
        int missing = positionals.size() - pos.size();
        if (missing < 0 || missing > optionalLeading + optionalTrailing) {
            throw new SieveException(node.line(), name + " needs " + expectation() + ", got "
                    + (pos.isEmpty() ? "none" : pos.size() + " argument" + (pos.size() == 1 ? "" : "s")));
        }
        // Optional positionals are told apart by count alone: leading ones are left out first.
        int lead = Math.min(missing, optionalLeading);
        for (int m = 0; m < lead; m++) pos.add(0, null);
        for (int m = lead; m < missing; m++) pos.add(null);
        for (int p = 0; p < positionals.size(); p++) {
            if (pos.get(p) != null) checkKind(pos.get(p), positionals.get(p).kind(), "the " + positionals.get(p).what());
        }
        if (!node.tests().isEmpty()) {
            throw new SieveException(node.line(), name + " does not take a test");
        }
        return new Call(node, seen, pos);
    }

    private String expectation() {
        if (positionals.isEmpty()) return "no arguments";
        List<String> names = new ArrayList<>();
        for (int i = 0; i < positionals.size(); i++) {
            String w = positionals.get(i).what();
            boolean optional = i < optionalLeading || i >= positionals.size() - optionalTrailing;
            names.add(optional ? "[" + w + "]" : w);
        }
        return String.join(", ", names);
    }

    private void checkKind(Ast.Arg a, Kind kind, String what) throws SieveException {
        boolean ok = switch (kind) {
            case NUMBER -> a instanceof Ast.Number;
            case STRING -> a instanceof Ast.Strings s && !s.list();
            case LIST -> a instanceof Ast.Strings;
            case NONE -> true;
        };
        if (!ok) throw new SieveException(a.line(), name + ": " + what + " must be " + describe(kind));
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case NUMBER -> "a number";
            case STRING -> "a string (not a list)";
            case LIST -> "a string or string list";
            case NONE -> "nothing";
        };
    }
}
