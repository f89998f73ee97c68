package dev.letterbox.server;

import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Start-up checks of the operating system's limits that a busy mail server runs into. */
final class SystemLimits {
    static final long RECOMMENDED_OPEN_FILES = 65_536;
    /** File descriptors kept for everything but client connections (store, blobs, logs, DNS, relay). */
    private static final long FILE_RESERVE_MIN = 256;
    private static final System.Logger LOG = System.getLogger("letterbox.server");

    private SystemLimits() {}

    /** Warns when the open-file limit is below what tens of thousands of IDLE clients need. */
    static void warnIfLow() {
        long limit = openFileLimit();
        if (limit > 0 && limit < RECOMMENDED_OPEN_FILES) {
            LOG.log(WARNING, "open-file limit is {0}; each connection needs one. Raise it to at least {1} "
                    + "(ulimit -n {1}, or LimitNOFILE= in a systemd unit)", limit, RECOMMENDED_OPEN_FILES);
        }
    }

    /**
     * The connection limit to run with: the configured one, lowered when the open-file limit could
     * not hold it. Connections beyond the file limit would make accept fail ("too many open files")
     * and starve the store and the blob files of descriptors too, so a reserve is kept for those.
     */
    static int connectionLimit(int configured) {
        long files = openFileLimit();
        int usable = connectionLimit(configured, files);
        if (usable < configured) {
            LOG.log(WARNING, "[limits] max_connections {0} lowered to {1}: the open-file limit is {2} and the rest "
                    + "is kept for the store; raise the limit (ulimit -n, LimitNOFILE=) to serve more",
                    configured, usable, files);
        } else if (files > 0) {
            LOG.log(System.Logger.Level.INFO, "connection limit {0} (open-file limit {1})", configured,
                    files == Long.MAX_VALUE ? "unlimited" : files);
        }
        return usable;
    }

    /** {@code configured}, or what {@code fileLimit} leaves after the reserve when that is less (-1: unknown). */
    static int connectionLimit(int configured, long fileLimit) {
        if (fileLimit <= 0 || fileLimit == Long.MAX_VALUE) return configured;
        long reserve = Math.max(FILE_RESERVE_MIN, fileLimit / 10);
        return (int) Math.max(1, Math.min(configured, fileLimit - reserve));
    }

    /** The soft limit from /proc (Linux), or -1 when unknown. */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: nothing to check
        }
        return -1;
    }
}
