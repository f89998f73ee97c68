package dev.letterbox.message;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;

/**
 * RFC 5322 §3.3 date-time, leniently: optional day name, day, month name, 2-, 3- or 4-digit year
 * (§4.3), hh:mm[:ss], and a numeric or obsolete named zone (UT, GMT, EST...; military zones count
 * as +0000 as §4.3 advises). Comments and extra commas are ignored. Anything else is "no date".
 */
final class MessageDate {
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};

    private MessageDate() {}

    static Optional<Instant> parse(String value) {
        if (value == null) return Optional.empty();
        String[] words = ContentFields.withoutComments(value).replace(',', ' ').trim().split("[ \t]+");
        int i = 0;
        if (i < words.length && !words[i].isEmpty() && Character.isLetter(words[i].charAt(0)) && month(words[i]) < 0) i++;
        if (words.length - i < 4) return Optional.empty();
        try {
            int day = Integer.parseInt(words[i]);
            int month = month(words[i + 1]);
            int year = Integer.parseInt(words[i + 2]);
            if (month < 0) return Optional.empty();
            if (words[i + 2].length() == 2) year += year < 50 ? 2000 : 1900;
            else if (words[i + 2].length() == 3) year += 1900;
            String[] time = words[i + 3].split(":");
            if (time.length < 2 || time.length > 3) return Optional.empty();
            int hour = Integer.parseInt(time[0]);
            int minute = Integer.parseInt(time[1]);
            int second = time.length == 3 ? Math.min(59, Integer.parseInt(time[2])) : 0;
            int offsetMinutes = i + 4 < words.length ? zone(words[i + 4]) : 0;
            LocalDateTime local = LocalDateTime.of(year, month + 1, day, hour, minute, second);
            return Optional.of(local.toInstant(ZoneOffset.UTC).minusSeconds(offsetMinutes * 60L));
        } catch (NumberFormatException | DateTimeException e) {
            return Optional.empty();
        }
    }

    private static int month(String word) {
        if (word.length() < 3) return -1;
        String m = word.substring(0, 3).toLowerCase(Locale.ROOT);
        for (int i = 0; i < MONTHS.length; i++) {
            if (MONTHS[i].equals(m)) return i;
        }
        return -1;
    }

    /** Minutes east of UTC. */
    private static int zone(String z) {
        if ((z.startsWith("+") || z.startsWith("-")) && z.length() == 5) {
            try {
                int hhmm = Integer.parseInt(z.substring(1));
                int minutes = (hhmm / 100) * 60 + hhmm % 100;
                return z.charAt(0) == '-' ? -minutes : minutes;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return switch (z.toUpperCase(Locale.ROOT)) {
            case "EDT" -> -4 * 60;
            case "EST", "CDT" -> -5 * 60;
            case "CST", "MDT" -> -6 * 60;
            case "MST", "PDT" -> -7 * 60;
            case "PST" -> -8 * 60;
            default -> 0;
        };
    }
}
