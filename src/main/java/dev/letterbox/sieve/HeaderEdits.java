package dev.letterbox.sieve;

import static dev.letterbox.sieve.Signature.Kind.LIST;
import static dev.letterbox.sieve.Signature.Kind.NUMBER;
import static dev.letterbox.sieve.Signature.Kind.STRING;

import dev.letterbox.sieve.Code.Exec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.james.mime4j.codec.EncoderUtil;

/**
 * RFC 5293 editheader: addheader and deleteheader change the run's header fields, which later
 * tests see and every delivery action of the run uses. Received and Auto-Submitted are protected
 * (§6: deleting Received MUST NOT be permitted; Auto-Submitted guards against mail loops); a change
 * to them is silently ignored, as §6 asks.
 */
final class HeaderEdits {
    private HeaderEdits() {}

    static final Set<String> PROTECTED = Set.of("received", "auto-submitted");

    private static final Signature ADD = new Signature("addheader").tag(":last", null)
            .positional(STRING, "field name").positional(STRING, "value");
    private static final Signature DELETE = new Signature("deleteheader")
            .tag(":index", NUMBER, null, null).tag(":last", null).matching()
            .positional(STRING, "field name").positional(LIST, "value patterns").optionalTrailing(1);

    static Exec add(Ast.Node n, CompileContext ctx) throws SieveException {
        Signature.Call c = ADD.check(n, ctx);
        Str name = fieldName(ctx.str(c.pos().get(0)), c.line());
        Str value = ctx.str(c.pos().get(1));
        boolean last = c.has(":last");
        return r -> {
            String field = checkedName(r, name.eval(r));
            String v = value.eval(r);
            if (PROTECTED.contains(field.toLowerCase(Locale.ROOT))) return Run.NEXT;
            r.actions.countEdit();
            List<HeaderField> edited = new ArrayList<>(r.headers());
            HeaderField f = new HeaderField(field, " " + encode(field, v));
            if (last) edited.add(f);
            else edited.add(0, f);
            r.replaceHeaders(edited);
            return Run.NEXT;
        };
    }

    static Exec delete(Ast.Node n, CompileContext ctx) throws SieveException {
        Signature.Call c = DELETE.check(n, ctx);
        if (c.has(":last") && !c.has(":index")) throw new SieveException(c.line(), ":last needs :index");
        int index = c.has(":index") ? (int) Math.min(Integer.MAX_VALUE, c.number(":index")) : 0;
        if (c.has(":index") && index < 1) throw new SieveException(c.line(), ":index counts from 1");
        boolean fromEnd = c.has(":last");
        Str name = fieldName(ctx.str(c.pos().get(0)), c.line());
        Match match = c.pos().get(1) == null ? null : ctx.match(c, ctx.strs(c.pos().get(1)));
        return r -> {
            String field = checkedName(r, name.eval(r));
            if (PROTECTED.contains(field.toLowerCase(Locale.ROOT))) return Run.NEXT;
            List<HeaderField> all = r.headers();
            int count = 0;
            for (HeaderField f : all) if (f.name().equalsIgnoreCase(field)) count++;
            List<HeaderField> kept = new ArrayList<>(all.size());
            int occurrence = 0;
            boolean changed = false;
            for (HeaderField f : all) {
                if (f.name().equalsIgnoreCase(field)) {
                    occurrence++;
                    int position = fromEnd ? count - occurrence + 1 : occurrence;
                    boolean selected = index == 0 || position == index;
                    if (selected && (match == null || match.test(r, List.of(Run.decode(f.value()))))) {
                        changed = true;
                        continue;
                    }
                }
                kept.add(f);
            }
            if (changed) {
                r.actions.countEdit();
                r.replaceHeaders(kept);
            }
            return Run.NEXT;
        };
    }

    private static Str fieldName(Str name, int line) throws SieveException {
        if (name.constant() != null && !validName(name.constant())) {
            throw new SieveException(line, "\"" + name.constant() + "\" is not a header field name");
        }
        return name;
    }

    private static String checkedName(Run r, String name) {
        if (!validName(name)) throw r.fail("\"" + name + "\" is not a header field name");
        return name;
    }

    /** RFC 5322 §3.6.8 field-name: printable US-ASCII except colon. */
    static boolean validName(String name) {
        if (name.isEmpty() || name.length() > 997) return false;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < 33 || ch > 126 || ch == ':') return false;
        }
        return true;
    }

    /** Line breaks become spaces (no field may be smuggled in); non-ASCII becomes RFC 2047 words. */
    private static String encode(String name, String value) {
        String flat = value.replaceAll("[\\r\\n]+", " ");
        if (!EncoderUtil.hasToBeEncoded(flat, name.length() + 2)) return flat;
        return EncoderUtil.encodeEncodedWord(flat, EncoderUtil.Usage.TEXT_TOKEN, name.length() + 2,
                StandardCharsets.UTF_8, null);
    }
}
