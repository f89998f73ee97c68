package dev.letterbox.server;

import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Start-up checks of the operating system's limits that a busy mail server runs into. */
final class SystemLimits {
    static final long RECOMMENDED_OPEN_FILES = 65_536;
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
