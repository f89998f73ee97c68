package dev.letterbox.sieve;

import static dev.letterbox.sieve.Signature.Kind.STRING;

import dev.letterbox.sieve.Code.Exec;
import java.util.Locale;
import java.util.regex.Pattern;

/** RFC 5229 "set" with its modifiers, and the regex draft's :quoteregex. */
final class Variables {
    private Variables() {}

    private static final Signature SET = new Signature("set")
            .tag(":lower", Signature.Kind.NONE, null, "case modifier")
            .tag(":upper", Signature.Kind.NONE, null, "case modifier")
            .tag(":lowerfirst", Signature.Kind.NONE, null, "first-letter modifier")
            .tag(":upperfirst", Signature.Kind.NONE, null, "first-letter modifier")
            .tag(":quotewildcard", null).tag(":quoteregex", "regex").tag(":length", null)
            .positional(STRING, "variable name").positional(STRING, "value");

    static Exec set(Ast.Node n, CompileContext ctx) throws SieveException {
        Signature.Call c = SET.check(n, ctx);
        String name = variableName(ctx.constant(c.pos().get(0)), c.line(), ctx);
        Str value = ctx.str(c.pos().get(1));
        boolean lower = c.has(":lower");
        boolean upper = c.has(":upper");
        boolean lowerFirst = c.has(":lowerfirst");
        boolean upperFirst = c.has(":upperfirst");
        boolean quoteWildcard = c.has(":quotewildcard");
        boolean quoteRegex = c.has(":quoteregex");
        boolean length = c.has(":length");
        return r -> {
            // RFC 5229 §4.1: modifiers apply in order of precedence, highest first.
            String v = value.eval(r);
            if (lower) v = v.toLowerCase(Locale.ROOT);
            if (upper) v = v.toUpperCase(Locale.ROOT);
            if (lowerFirst && !v.isEmpty()) v = v.substring(0, 1).toLowerCase(Locale.ROOT) + v.substring(1);
            if (upperFirst && !v.isEmpty()) v = v.substring(0, 1).toUpperCase(Locale.ROOT) + v.substring(1);
            if (quoteWildcard) v = v.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
            if (quoteRegex) v = quoteRegex(v);
            if (length) v = Integer.toString(v.codePointCount(0, v.length()));
            r.setVariable(name, v);
            return Run.NEXT;
        };
    }

    private static final Pattern REGEX_SPECIAL = Pattern.compile("([\\\\^$.\\[\\]|()?*+{}])");

    static String quoteRegex(String v) {
        return REGEX_SPECIAL.matcher(v).replaceAll("\\\\$1");
    }

    /** A name "set" may assign: an identifier, or global.identifier with include (RFC 6609 §3.5). */
    static String variableName(String raw, int line, CompileContext ctx) throws SieveException {
        String name = raw.toLowerCase(Locale.ROOT);
        if (name.startsWith("global.") && ctx.has("include") && Str.isIdentifier(name.substring(7))) return name;
        if (!Str.isIdentifier(name)) {
            throw new SieveException(line, "\"" + raw + "\" is not a variable name (letters, digits and _, "
                    + "not starting with a digit)");
        }
        return name;
    }
}
