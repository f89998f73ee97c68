package dev.letterbox.sieve;

import dev.letterbox.sieve.Code.Exec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** RFC 5230 vacation and RFC 6131 :seconds, resolved into an {@link Action.Vacation}. */
final class Vacation {
    private Vacation() {}

    static final Duration DEFAULT_PERIOD = Duration.ofDays(7);

    static Exec compile(Signature.Call c, CompileContext ctx) throws SieveException {
        // RFC 5230 §4.1: fewer than one day is raised to one; RFC 6131 §2: 0 seconds means every time.
        Duration period = c.has(":days") ? Duration.ofDays(Math.max(1, c.number(":days")))
                : c.has(":seconds") ? Duration.ofSeconds(c.number(":seconds")) : DEFAULT_PERIOD;
        Str subject = c.has(":subject") ? ctx.str(c.tags().get(":subject")) : null;
        Str from = c.has(":from") ? ctx.str(c.tags().get(":from")) : null;
        List<Str> addresses = c.has(":addresses") ? ctx.strs(c.tags().get(":addresses")) : List.of();
        Str handle = c.has(":handle") ? ctx.str(c.tags().get(":handle")) : null;
        boolean mime = c.has(":mime");
        Str reason = ctx.str(c.pos().get(0));
        return r -> {
            String why = reason.eval(r);
            Optional<String> subj = subject == null ? Optional.empty() : Optional.of(subject.eval(r));
            Optional<String> sender = from == null ? Optional.empty() : Optional.of(from.eval(r));
            List<String> addrs = new ArrayList<>();
            for (Str a : addresses) addrs.add(a.eval(r));
            String h = handle != null ? handle.eval(r) : derivedHandle(why, subj, sender, mime);
            r.actions.vacation(new Action.Vacation(why, mime, period, subj, sender, List.copyOf(addrs), h));
            return Run.NEXT;
        };
    }

    /** RFC 5230 §4.2: without :handle, the same reason, subject, from and mime make the same handle. */
    static String derivedHandle(String reason, Optional<String> subject, Optional<String> from, boolean mime) {
        String all = reason + "\u0000" + subject.orElse("") + "\u0000" + from.orElse("") + "\u0000" + mime;
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(all.getBytes(StandardCharsets.UTF_8));
            return "auto-" + HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
