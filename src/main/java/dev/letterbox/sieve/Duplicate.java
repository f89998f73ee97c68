package dev.letterbox.sieve;

import static dev.letterbox.sieve.Signature.Kind.NONE;
import static dev.letterbox.sieve.Signature.Kind.NUMBER;
import static dev.letterbox.sieve.Signature.Kind.STRING;

import dev.letterbox.sieve.Code.Cond;
import dev.letterbox.sieve.SieveResult.DuplicateMark;
import java.util.List;

/**
 * RFC 7352 duplicate: asks the caller's tracker whether the id was seen, and leaves the id to
 * record in the result (recorded only if delivery succeeds, §3).
 */
final class Duplicate {
    private Duplicate() {}

    static final long DEFAULT_SECONDS = 7 * 24 * 3600;

    private static final Signature DUPLICATE = new Signature("duplicate")
            .tag(":handle", STRING, null, null).tag(":header", STRING, null, "id source")
            .tag(":uniqueid", STRING, null, "id source").tag(":seconds", NUMBER, null, null)
            .tag(":last", NONE, null, null);

    static Cond compile(Ast.Node n, CompileContext ctx) throws SieveException {
        Signature.Call c = DUPLICATE.check(n, ctx);
        Str handle = c.has(":handle") ? ctx.str(c.tags().get(":handle")) : new Str.Const("");
        Str header = c.has(":header") ? ctx.str(c.tags().get(":header")) : new Str.Const("message-id");
        Str unique = c.has(":uniqueid") ? ctx.str(c.tags().get(":uniqueid")) : null;
        long seconds = c.has(":seconds") ? c.number(":seconds") : DEFAULT_SECONDS;
        boolean last = c.has(":last");
        return r -> {
            String value;
            if (unique != null) {
                value = unique.eval(r);
            } else {
                List<String> values = r.header(header.eval(r));
                if (values.isEmpty()) return false; // §3.1: no such field, nothing to compare
                value = values.get(0);
            }
            String id = handle.eval(r) + "\u0000" + value;
            boolean seen = r.msg().duplicates().seen(id, seconds);
            if (!seen || last) r.duplicateMarks.add(new DuplicateMark(id, seconds, last));
            return seen;
        };
    }
}
