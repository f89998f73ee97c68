package dev.letterbox.sieve;

import static dev.letterbox.sieve.Signature.Kind.LIST;
import static dev.letterbox.sieve.Signature.Kind.STRING;

import dev.letterbox.sieve.Code.Cond;
import dev.letterbox.sieve.Code.Exec;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 5232 imap4flags: setflag/addflag/removeflag on the internal variable or (with variables) a
 * named one, and the hasflag test. A flag list is space-separated flags, each kept once.
 */
final class Flags {
    private Flags() {}

    private static Signature command(String name) {
        return new Signature(name).optionalLeading(1).positional(STRING, "variable name").positional(LIST, "flags");
    }

    private static final Signature SETFLAG = command("setflag");
    private static final Signature ADDFLAG = command("addflag");
    private static final Signature REMOVEFLAG = command("removeflag");
    private static final Signature HASFLAG = new Signature("hasflag").matching().optionalLeading(1)
            .positional(LIST, "variable names").positional(LIST, "flags");

    static Exec command(Ast.Node n, CompileContext ctx) throws SieveException {
        Signature sig = switch (n.name()) {
            case "setflag" -> SETFLAG;
            case "addflag" -> ADDFLAG;
            default -> REMOVEFLAG;
        };
        Signature.Call c = sig.check(n, ctx);
        String variable = null;
        if (c.pos().get(0) != null) {
            ctx.need("variables", c.line(), n.name() + " with a variable name");
            variable = Variables.variableName(ctx.constant(c.pos().get(0)), c.line(), ctx);
        }
        List<Str> flags = ctx.strs(c.pos().get(1));
        String op = n.name();
        String var = variable;
        return r -> {
            List<String> given = parse(r, flags);
            List<String> current = var == null ? r.flags() : split(r.variable(var));
            List<String> result = switch (op) {
                case "setflag" -> given;
                case "addflag" -> Actions.union(current, given);
                default -> without(current, given);
            };
            if (var == null) r.setFlags(result);
            else r.setVariable(var, String.join(" ", result));
            return Run.NEXT;
        };
    }

    static Cond hasflag(Ast.Node n, CompileContext ctx) throws SieveException {
        Signature.Call c = HASFLAG.check(n, ctx);
        List<String> variables = null;
        if (c.pos().get(0) != null) {
            ctx.need("variables", c.line(), "hasflag with variable names");
            variables = new ArrayList<>();
            for (String v : ctx.constants(c.pos().get(0))) variables.add(Variables.variableName(v, c.line(), ctx));
        }
        List<Str> keys = new ArrayList<>();
        for (Str k : ctx.strs(c.pos().get(1))) {
            if (k.constant() == null) keys.add(k);
            else for (String f : split(k.constant())) keys.add(new Str.Const(f));
        }
        Match match = ctx.match(c, List.copyOf(keys));
        List<String> vars = variables;
        return r -> {
            List<String> have;
            if (vars == null) {
                have = r.flags();
            } else {
                have = new ArrayList<>();
                for (String v : vars) have = Actions.union(have, split(r.variable(v)));
            }
            return match.test(r, have);
        };
    }

    /** The flags of a string list: each string split at spaces, duplicates dropped. */
    static List<String> parse(Run r, List<Str> strings) {
        List<String> out = List.of();
        for (Str s : strings) out = Actions.union(out, split(s.eval(r)));
        return out;
    }

    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        for (String f : s.trim().split("\\s+")) if (!f.isEmpty()) out.add(f);
        return Actions.union(out, List.of());
    }

    private static List<String> without(List<String> current, List<String> removed) {
        List<String> out = new ArrayList<>(current);
        out.removeIf(f -> removed.stream().anyMatch(f::equalsIgnoreCase));
        return List.copyOf(out);
    }
}
