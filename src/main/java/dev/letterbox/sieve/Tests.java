package dev.letterbox.sieve;

import static dev.letterbox.sieve.Signature.Kind.LIST;
import static dev.letterbox.sieve.Signature.Kind.NONE;
import static dev.letterbox.sieve.Signature.Kind.NUMBER;
import static dev.letterbox.sieve.Signature.Kind.STRING;

import dev.letterbox.sieve.Code.Cond;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tests of RFC 5228 §5 (address, envelope, exists, header, size, true, false) and of the
 * extensions (body, string, environment, spamtest/virustest, mailboxexists); date, hasflag and
 * duplicate live in their own classes. allof, anyof and not are compiled by {@link Compiler}.
 */
final class Tests {
    private Tests() {}

    private static final Signature TRUE = new Signature("true");
    private static final Signature FALSE = new Signature("false");
    private static final Signature HEADER = new Signature("header").matching().index()
            .positional(LIST, "header names").positional(LIST, "key list");
    private static final Signature ADDRESS = new Signature("address").matching().addressParts().index()
            .positional(LIST, "header names").positional(LIST, "key list");
    private static final Signature ENVELOPE = new Signature("envelope").matching().addressParts()
            .positional(LIST, "envelope parts").positional(LIST, "key list");
    private static final Signature EXISTS = new Signature("exists").positional(LIST, "header names");
    private static final Signature SIZE = new Signature("size").tag(":over", NONE, null, "comparison")
            .tag(":under", NONE, null, "comparison").positional(NUMBER, "limit");
    private static final Signature BODY = new Signature("body").matching()
            .tag(":raw", NONE, null, "body transform").tag(":content", LIST, null, "body transform")
            .tag(":text", NONE, null, "body transform").positional(LIST, "key list");
    private static final Signature STRING_TEST = new Signature("string").matching()
            .positional(LIST, "source").positional(LIST, "key list");
    private static final Signature ENVIRONMENT = new Signature("environment").matching()
            .positional(STRING, "item name").positional(LIST, "key list");
    private static final Signature SPAMTEST = new Signature("spamtest").tag(":percent", "spamtestplus").matching()
            .positional(STRING, "value");
    private static final Signature VIRUSTEST = new Signature("virustest").matching().positional(STRING, "value");
    private static final Signature MAILBOXEXISTS = new Signature("mailboxexists").positional(LIST, "mailbox names");

    private static final Set<String> ENVELOPE_PARTS = Set.of("from", "to", "auth");

    /** The test's code, or null when there is no such test. */
    static Cond compile(Ast.Node n, CompileContext ctx) throws SieveException {
        return switch (n.name()) {
            case "true" -> {
                TRUE.check(n, ctx);
                yield r -> true;
            }
            case "false" -> {
                FALSE.check(n, ctx);
                yield r -> false;
            }
            case "header" -> header(HEADER.check(n, ctx), ctx);
            case "address" -> address(ADDRESS.check(n, ctx), ctx);
            case "envelope" -> envelope(ENVELOPE.check(n, ctx), ctx);
            case "exists" -> {
                List<Str> names = ctx.strs(EXISTS.check(n, ctx).pos().get(0));
                yield r -> {
                    for (Str name : names) if (r.header(name.eval(r)).isEmpty()) return false;
                    return true;
                };
            }
            case "size" -> size(SIZE.check(n, ctx));
            case "body" -> body(BODY.check(n, ctx), ctx);
            case "string" -> string(STRING_TEST.check(n, ctx), ctx);
            case "environment" -> environment(ENVIRONMENT.check(n, ctx), ctx);
            case "spamtest" -> spamtest(SPAMTEST.check(n, ctx), ctx);
            case "virustest" -> virustest(VIRUSTEST.check(n, ctx), ctx);
            case "mailboxexists" -> {
                List<Str> names = ctx.strs(MAILBOXEXISTS.check(n, ctx).pos().get(0));
                yield r -> {
                    for (Str name : names) if (!r.msg().mailboxExists(name.eval(r))) return false;
                    return true;
                };
            }
            case "hasflag" -> Flags.hasflag(n, ctx);
            case "date", "currentdate" -> DateTests.compile(n, ctx);
            case "duplicate" -> Duplicate.compile(n, ctx);
            default -> null;
        };
    }

    /** RFC 5260 §6: which occurrence of a field counts (0 = all), from the top or with :last the bottom. */
    record Index(int index, boolean fromEnd) {
        static Index of(Signature.Call c) throws SieveException {
            if (c.has(":last") && !c.has(":index")) throw new SieveException(c.line(), ":last needs :index");
            if (!c.has(":index")) return new Index(0, false);
            long i = c.number(":index");
            if (i < 1) throw new SieveException(c.line(), ":index counts from 1");
            return new Index((int) Math.min(Integer.MAX_VALUE, i), c.has(":last"));
        }

        List<String> pick(List<String> values) {
            if (index == 0) return values;
            if (index > values.size()) return List.of();
            return List.of(values.get(fromEnd ? values.size() - index : index - 1));
        }
    }

    private static Cond header(Signature.Call c, CompileContext ctx) throws SieveException {
        List<Str> names = ctx.strs(c.pos().get(0));
        Match match = ctx.match(c, ctx.strs(c.pos().get(1)));
        Index index = Index.of(c);
        return r -> {
            if (names.size() == 1) return match.test(r, index.pick(r.header(names.get(0).eval(r))));
            List<String> values = new ArrayList<>();
            for (Str name : names) values.addAll(index.pick(r.header(name.eval(r))));
            return match.test(r, values);
        };
    }

    private enum Part { ALL, LOCALPART, DOMAIN, USER, DETAIL }

    private static Part part(Signature.Call c) {
        for (Part p : Part.values()) if (c.has(":" + p.name().toLowerCase(Locale.ROOT))) return p;
        return Part.ALL;
    }

    /** The address part, or null when the address has no such part (no domain, no "+detail"). */
    private static String part(Addresses.Address a, Part p) {
        return switch (p) {
            case ALL -> a.all();
            case LOCALPART -> a.local();
            case DOMAIN -> a.domain();
            case USER -> {
                int plus = a.local().indexOf('+');
                yield plus < 0 ? a.local() : a.local().substring(0, plus);
            }
            case DETAIL -> {
                int plus = a.local().indexOf('+');
                yield plus < 0 ? null : a.local().substring(plus + 1);
            }
        };
    }

    private static Cond address(Signature.Call c, CompileContext ctx) throws SieveException {
        List<Str> names = ctx.strs(c.pos().get(0));
        Match match = ctx.match(c, ctx.strs(c.pos().get(1)));
        Index index = Index.of(c);
        Part part = part(c);
        return r -> {
            List<String> values = new ArrayList<>();
            for (Str name : names) {
                for (String field : index.pick(r.header(name.eval(r)))) {
                    for (Addresses.Address a : r.addresses(field)) {
                        String v = part(a, part);
                        if (v != null) values.add(v);
                    }
                }
            }
            return match.test(r, values);
        };
    }

    private static Cond envelope(Signature.Call c, CompileContext ctx) throws SieveException {
        List<Str> parts = ctx.strs(c.pos().get(0));
        for (Str p : parts) {
            if (p.constant() != null && !ENVELOPE_PARTS.contains(p.constant().toLowerCase(Locale.ROOT))) {
                throw new SieveException(c.line(), "unknown envelope part \"" + p.constant()
                        + "\" (use \"from\", \"to\" or \"auth\")");
            }
        }
        Match match = ctx.match(c, ctx.strs(c.pos().get(1)));
        Part part = part(c);
        return r -> {
            List<String> values = new ArrayList<>();
            for (Str p : parts) {
                String which = p.eval(r).toLowerCase(Locale.ROOT);
                String address = switch (which) {
                    case "from" -> r.msg().envelopeFrom();
                    case "to" -> r.msg().envelopeTo();
                    case "auth" -> r.msg().envelopeAuth().orElse(null);
                    default -> throw r.fail("unknown envelope part \"" + which + "\"");
                };
                if (address == null) continue;
                if (address.isEmpty()) {
                    values.add(""); // RFC 5228 §5.4: the null reverse-path is "" whatever the address part
                    continue;
                }
                for (Addresses.Address a : Addresses.parse(address)) {
                    String v = part(a, part);
                    if (v != null) values.add(v);
                }
            }
            return match.test(r, values);
        };
    }

    private static Cond size(Signature.Call c) throws SieveException {
        boolean over = c.has(":over");
        if (!over && !c.has(":under")) throw new SieveException(c.line(), "size needs :over or :under");
        long limit = ((Ast.Number) c.pos().get(0)).value();
        return r -> over ? r.msg().size() > limit : r.msg().size() < limit;
    }

    private static Cond body(Signature.Call c, CompileContext ctx) throws SieveException {
        Match match = ctx.match(c, ctx.strs(c.pos().get(0)));
        boolean raw = c.has(":raw");
        List<String> types = c.has(":content") ? ctx.constants(c.tags().get(":content")) : List.of("text");
        return r -> {
            int max = r.limits().maxBodyChars();
            if (raw) return match.test(r, List.of(cut(r.msg().rawBody(), max)));
            List<String> texts = new ArrayList<>();
            int total = 0;
            for (BodyPart p : r.msg().bodyParts()) {
                if (total >= max) break;
                if (!typeMatches(p.contentType(), types)) continue;
                String t = cut(p.text(), max - total);
                total += t.length();
                texts.add(t);
            }
            return match.test(r, texts);
        };
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** RFC 5173 §5.2: "" is any type, "text" any text subtype, "text/html" exactly that. */
    private static boolean typeMatches(String contentType, List<String> types) {
        String ct = contentType.toLowerCase(Locale.ROOT);
        for (String t : types) {
            String want = t.toLowerCase(Locale.ROOT).strip();
            if (want.isEmpty() || ct.equals(want) || (!want.contains("/") && ct.startsWith(want + "/"))) return true;
        }
        return false;
    }

    private static Cond string(Signature.Call c, CompileContext ctx) throws SieveException {
        List<Str> sources = ctx.strs(c.pos().get(0));
        Match match = ctx.match(c, ctx.strs(c.pos().get(1)));
        boolean count = match.type == Match.Type.COUNT;
        return r -> {
            List<String> values = new ArrayList<>(sources.size());
            for (Str s : sources) {
                String v = s.eval(r);
                if (!count || !v.isEmpty()) values.add(v); // RFC 5229 §5: :count skips empty strings
            }
            return match.test(r, values);
        };
    }

    private static Cond environment(Signature.Call c, CompileContext ctx) throws SieveException {
        Str item = ctx.str(c.pos().get(0));
        Match match = ctx.match(c, ctx.strs(c.pos().get(1)));
        return r -> {
            var value = r.msg().environment(item.eval(r).toLowerCase(Locale.ROOT));
            return value.isPresent() && match.test(r, List.of(value.get()));
        };
    }

    /**
     * RFC 3685 §3.1: "0" untested, else 1 (surely not spam) to 10; RFC 5235 §3.2 :percent gives 0-100
     * and nothing at all when untested (so ":count eq 0" asks whether the message was tested).
     */
    private static Cond spamtest(Signature.Call c, CompileContext ctx) throws SieveException {
        boolean percent = c.has(":percent");
        Match match = ctx.match(c, List.of(ctx.str(c.pos().get(0))));
        return r -> {
            var p = r.msg().spamPercent();
            List<String> value;
            if (p.isEmpty()) value = percent ? List.of() : List.of("0");
            else if (percent) value = List.of(Integer.toString(clamp(p.getAsInt(), 0, 100)));
            else value = List.of(Integer.toString(1 + Math.round(clamp(p.getAsInt(), 0, 100) * 9 / 100f)));
            return match.test(r, value);
        };
    }

    /** RFC 3685 §4.1: "0" untested, 1 clean to 5 infected. */
    private static Cond virustest(Signature.Call c, CompileContext ctx) throws SieveException {
        Match match = ctx.match(c, List.of(ctx.str(c.pos().get(0))));
        return r -> {
            var v = r.msg().virusLevel();
            return match.test(r, List.of(v.isEmpty() ? "0" : Integer.toString(clamp(v.getAsInt(), 1, 5))));
        };
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
