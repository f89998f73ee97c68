package dev.letterbox.sieve;

import static dev.letterbox.sieve.Signature.Kind.LIST;
import static dev.letterbox.sieve.Signature.Kind.NONE;
import static dev.letterbox.sieve.Signature.Kind.STRING;

import dev.letterbox.sieve.Code.Cond;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.JulianFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** RFC 5260 date and currentdate, with :zone, :originalzone and :index. */
final class DateTests {
    private DateTests() {}

    private static final Signature DATE = new Signature("date")
            .tag(":zone", STRING, null, "zone").tag(":originalzone", NONE, null, "zone").matching().index()
            .positional(STRING, "header name").positional(STRING, "date part").positional(LIST, "key list");
    private static final Signature CURRENTDATE = new Signature("currentdate")
            .tag(":zone", STRING, null, "zone").matching().positional(STRING, "date part")
            .positional(LIST, "key list");

    static final Set<String> PARTS = Set.of("year", "month", "day", "date", "julian", "hour", "minute", "second",
            "time", "iso8601", "std11", "zone", "weekday");
    private static final Pattern ZONE = Pattern.compile("[+-]([01][0-9]|2[0-3])[0-5][0-9]");

    static Cond compile(Ast.Node n, CompileContext ctx) throws SieveException {
        boolean current = n.name().equals("currentdate");
        Signature.Call c = (current ? CURRENTDATE : DATE).check(n, ctx);
        int p = current ? 0 : 1;
        Str header = current ? null : ctx.str(c.pos().get(0));
        Str part = ctx.str(c.pos().get(p));
        if (part.constant() != null) checkPart(part.constant(), c.line());
        Match match = ctx.match(c, ctx.strs(c.pos().get(p + 1)));
        ZoneOffset zone = null;
        if (c.has(":zone")) {
            String z = ctx.constant(c.tags().get(":zone"));
            if (!ZONE.matcher(z).matches()) {
                throw new SieveException(c.line(), ":zone needs a zone like \"+0100\" or \"-0800\", not \"" + z + "\"");
            }
            zone = ZoneOffset.of(z.substring(0, 3) + ":" + z.substring(3));
        }
        boolean original = c.has(":originalzone");
        ZoneOffset fixed = zone;
        if (current) {
            return r -> {
                ZonedDateTime now = r.msg().now();
                return match.test(r, List.of(part(fixed == null ? now : now.withZoneSameInstant(fixed), part.eval(r), r)));
            };
        }
        Tests.Index index = Tests.Index.of(c);
        return r -> {
            List<String> values = new ArrayList<>();
            String which = part.eval(r);
            String name = header.eval(r);
            boolean received = name.equalsIgnoreCase("received");
            for (String field : index.pick(r.header(name))) {
                // RFC 5260 §4: a Received field's date is what follows its last semicolon.
                ZonedDateTime t = parse(received ? field.substring(field.lastIndexOf(';') + 1) : field);
                if (t == null) continue;
                ZoneId target = original ? t.getZone() : fixed != null ? fixed : r.msg().now().getZone();
                values.add(part(t.withZoneSameInstant(target), which, r));
            }
            return match.test(r, values);
        };
    }

    private static void checkPart(String part, int line) throws SieveException {
        if (!PARTS.contains(part.toLowerCase(Locale.ROOT))) {
            throw new SieveException(line, "unknown date part \"" + part + "\"");
        }
    }

    static String part(ZonedDateTime t, String part, Run r) {
        return switch (part.toLowerCase(Locale.ROOT)) {
            case "year" -> String.format("%04d", t.getYear());
            case "month" -> String.format("%02d", t.getMonthValue());
            case "day" -> String.format("%02d", t.getDayOfMonth());
            case "date" -> String.format("%04d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth());
            case "julian" -> Long.toString(t.toLocalDate().getLong(JulianFields.MODIFIED_JULIAN_DAY));
            case "hour" -> String.format("%02d", t.getHour());
            case "minute" -> String.format("%02d", t.getMinute());
            case "second" -> String.format("%02d", t.getSecond());
            case "time" -> String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
            case "iso8601" -> t.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            case "std11" -> t.format(DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT));
            case "zone" -> t.format(DateTimeFormatter.ofPattern("xx", Locale.ROOT));
            case "weekday" -> Integer.toString(t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue());
            default -> throw r.fail("unknown date part \"" + part + "\"");
        };
    }

    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
            "sep", "oct", "nov", "dec");

    /** An RFC 5322 §3.3 date-time (with the obsolete forms of §4.3), or null if it is none. */
    static ZonedDateTime parse(String value) {
        String v = value.replaceAll("\\([^)]*\\)", " ").replace(',', ' ').strip();
        String[] w = v.split("\\s+");
        int i = 0;
        if (w.length > 0 && !w[0].isEmpty() && Character.isLetter(w[0].charAt(0))) i++; // day of week
        if (w.length - i < 4) return null;
        try {
            int day = Integer.parseInt(w[i]);
            int month = MONTHS.indexOf(w[i + 1].toLowerCase(Locale.ROOT)) + 1;
            int year = Integer.parseInt(w[i + 2]);
            if (w[i + 2].length() == 2) year += year < 50 ? 2000 : 1900;
            else if (w[i + 2].length() == 3) year += 1900;
            String[] hms = w[i + 3].split(":");
            if (month == 0 || hms.length < 2) return null;
            int second = hms.length > 2 ? Math.min(59, Integer.parseInt(hms[2])) : 0;
            ZoneOffset zone = w.length > i + 4 ? zone(w[i + 4]) : ZoneOffset.UTC;
            return ZonedDateTime.of(year, month, day, Integer.parseInt(hms[0]), Integer.parseInt(hms[1]), second, 0,
                    zone);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static ZoneOffset zone(String z) {
        if (ZONE.matcher(z).matches() || z.matches("[+-]\\d{4}")) {
            int sign = z.charAt(0) == '-' ? -1 : 1;
            int h = Integer.parseInt(z.substring(1, 3));
            int m = Integer.parseInt(z.substring(3, 5));
            return ZoneOffset.ofHoursMinutes(sign * h, sign * m);
        }
        return switch (z.toUpperCase(Locale.ROOT)) {
            case "EDT" -> ZoneOffset.ofHours(-4);
            case "EST", "CDT" -> ZoneOffset.ofHours(-5);
            case "CST", "MDT" -> ZoneOffset.ofHours(-6);
            case "MST", "PDT" -> ZoneOffset.ofHours(-7);
            case "PST" -> ZoneOffset.ofHours(-8);
            default -> ZoneOffset.UTC; // UT, GMT, and military zones, which §4.3 says mean -0000
        };
    }
}
