package dev.letterbox.imap;

import static dev.letterbox.imap.ImapParser.printable;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The dates of RFC 3501 §9: {@code date-time} (APPEND) and {@code date} (SEARCH BEFORE, SINCE...). */
final class ImapDates {
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private ImapDates() {}

    /** date-time without its quotes: date-day-fixed "-" date-month "-" date-year SP time SP zone. */
    static OffsetDateTime dateTime(String s) throws ImapSyntaxException {
        if (s.length() != 26 || s.charAt(2) != '-' || s.charAt(6) != '-' || s.charAt(11) != ' '
                || s.charAt(14) != ':' || s.charAt(17) != ':' || s.charAt(20) != ' ') {
            throw new ImapSyntaxException("invalid date-time, expected \"dd-Mon-yyyy hh:mm:ss +zzzz\"");
        }
        try {
            int day = Integer.parseInt(s.substring(0, 2).trim());
            int month = month(s.substring(3, 6));
            int year = digits(s, 7, 11);
            int h = digits(s, 12, 14), m = digits(s, 15, 17), sec = digits(s, 18, 20);
            char sign = s.charAt(21);
            if (sign != '+' && sign != '-') throw new NumberFormatException();
            int zh = digits(s, 22, 24), zm = digits(s, 24, 26);
            int offset = (zh * 3600 + zm * 60) * (sign == '-' ? -1 : 1);
            return OffsetDateTime.of(LocalDateTime.of(year, month, day, h, m, sec), ZoneOffset.ofTotalSeconds(offset));
        } catch (NumberFormatException | DateTimeException e) {
            throw new ImapSyntaxException("invalid date-time");
        }
    }

    static int month(String name) {
        for (int i = 0; i < MONTHS.length; i++) if (MONTHS[i].equalsIgnoreCase(name)) return i + 1;
        throw new NumberFormatException("month");
    }

    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') throw new NumberFormatException("digit");
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** date-text "d-Mon-yyyy" (RFC 3501 {@code date}), in quotes or not. */
    static LocalDate date(String text) throws ImapSyntaxException {
        String[] parts = text.split("-", -1);
        try {
            if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > 2 || parts[2].length() != 4) {
                throw new NumberFormatException();
            }
            return LocalDate.of(digits(parts[2], 0, 4), month(parts[1]), digits(parts[0], 0, parts[0].length()));
        } catch (NumberFormatException | DateTimeException e) {
            throw new ImapSyntaxException("invalid date " + printable(text) + ", expected d-Mon-yyyy");
        }
    }
}
