package dev.letterbox.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes ("25M", binary units) and durations ("30s", "10m", "2h", "5d") as people write them. */
public final class Units {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*([KMGT]?)(i?B)?", Pattern.CASE_INSENSITIVE);

    private Units() {}

    public static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) return Optional.empty();
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        });
    }

    /** "25M" is 26214400; plain digits are bytes; empty when unparsable or too large. */
    public static Optional<Long> parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) return Optional.empty();
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        if (n > (Long.MAX_VALUE >> shift)) return Optional.empty();
        return Optional.of(n << shift);
    }

    /** 26214400 -> "25M"; exact multiples only, else plain bytes. */
    public static String formatSize(long bytes) {
        String[] suffix = {"T", "G", "M", "K"};
        int[] shift = {40, 30, 20, 10};
        for (int i = 0; i < shift.length; i++) {
            if (bytes != 0 && bytes % (1L << shift[i]) == 0) return (bytes >> shift[i]) + suffix[i];
        }
        return Long.toString(bytes);
    }

    /** 5 days -> "5d", 90 minutes -> "90m"; the largest unit that divides it exactly, the form the config takes. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        long[] unit = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] suffix = {"d", "h", "m", "s"};
        for (int i = 0; i < unit.length; i++) {
            if (ms != 0 && ms % unit[i] == 0) return (ms / unit[i]) + suffix[i];
        }
        return ms + "ms";
    }
}
