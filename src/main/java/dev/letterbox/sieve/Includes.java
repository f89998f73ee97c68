package dev.letterbox.sieve;

import static dev.letterbox.sieve.Signature.Kind.LIST;
import static dev.letterbox.sieve.Signature.Kind.NONE;
import static dev.letterbox.sieve.Signature.Kind.STRING;

import dev.letterbox.sieve.Code.Exec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** RFC 6609 include, return and global. */
final class Includes {
    private Includes() {}

    private static final Signature INCLUDE = new Signature("include")
            .tag(":personal", NONE, null, "location").tag(":global", NONE, null, "location")
            .tag(":once", null).tag(":optional", null).positional(STRING, "script name");
    private static final Signature RETURN = new Signature("return");
    private static final Signature GLOBAL = new Signature("global").positional(LIST, "variable names");

    static Exec compile(Ast.Node n, CompileContext ctx) throws SieveException {
        switch (n.name()) {
            case "return" -> {
                RETURN.check(n, ctx);
                return r -> Run.RETURN;
            }
            case "global" -> {
                Signature.Call c = GLOBAL.check(n, ctx);
                ctx.need("variables", c.line(), "global");
                List<String> names = new ArrayList<>();
                for (String v : ctx.constants(c.pos().get(0))) names.add(Variables.variableName(v, c.line(), ctx));
                return r -> {
                    for (String name : names) r.declareGlobal(name);
                    return Run.NEXT;
                };
            }
            default -> {
                return include(INCLUDE.check(n, ctx), ctx);
            }
        }
    }

    private static Exec include(Signature.Call c, CompileContext ctx) throws SieveException {
        // §3.2: the name is a constant; variables are not expanded in it.
        String name = ctx.constant(c.pos().get(0));
        if (name.isEmpty() || name.contains("/")) {
            throw new SieveException(c.line(), "\"" + name + "\" is not a script name");
        }
        IncludeResolver.Location location = c.has(":global") ? IncludeResolver.Location.GLOBAL
                : IncludeResolver.Location.PERSONAL;
        boolean once = c.has(":once");
        boolean optional = c.has(":optional");
        String key = (location == IncludeResolver.Location.GLOBAL ? ":global " : ":personal ") + "\"" + name + "\"";
        return r -> {
            Optional<SieveScript> script;
            try {
                script = r.msg().includes().resolve(location, name);
            } catch (SieveException e) {
                throw r.fail("included script " + key + " does not compile: " + e.getMessage());
            }
            if (script.isEmpty()) {
                if (optional) return Run.NEXT;
                throw r.fail("included script " + key + " does not exist");
            }
            return r.include(key, once, script.get());
        };
    }
}
