package dev.letterbox.archive;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line for long imports: messages, bytes of the archive read, rate and time left. On a
 * terminal it is redrawn in place a few times a second; otherwise a line is printed every few seconds.
 */
public final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long lastShown = started; // nothing shown before a first interval has passed

    public Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void show(long messages, long bytesRead, long totalBytes, boolean last) {
        long now = System.nanoTime();
        long every = terminal ? 250_000_000L : 5_000_000_000L;
        if (!last && now - lastShown < every) return;
        lastShown = now;
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        double rate = bytesRead / seconds;
        String eta = rate > 0 && totalBytes > bytesRead ? duration((long) ((totalBytes - bytesRead) / rate)) : "0s";
        String line = String.format(Locale.ROOT, "%,d messages  %s of %s (%d%%)  %s/s  ETA %s", messages, bytes(bytesRead),
                bytes(totalBytes), totalBytes == 0 ? 100 : bytesRead * 100 / totalBytes, bytes((long) rate), eta);
        if (terminal) out.print("\r" + line + "\u001b[K" + (last ? "\n" : ""));
        else out.println(line);
        out.flush();
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String duration(long seconds) {
        if (seconds >= 3600) return seconds / 3600 + "h" + (seconds % 3600) / 60 + "m";
        if (seconds >= 60) return seconds / 60 + "m" + seconds % 60 + "s";
        return seconds + "s";
    }
}
