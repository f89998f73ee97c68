package dev.letterbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The connection limit stays safely below the open-file limit. */
class SystemLimitsTest {
    @Test
    void aLimitTheFilesCannotHoldIsLoweredKeepingAReserve() {
        assertEquals(18_000, SystemLimits.connectionLimit(20_000, 20_000)); // a tenth kept back
        assertEquals(768, SystemLimits.connectionLimit(20_000, 1_024));     // at least 256 kept back
    }

    @Test
    void aLimitTheFilesCanHoldIsKept() {
        assertEquals(20_000, SystemLimits.connectionLimit(20_000, 1_048_576));
        assertEquals(20_000, SystemLimits.connectionLimit(20_000, Long.MAX_VALUE)); // unlimited
        assertEquals(20_000, SystemLimits.connectionLimit(20_000, -1));             // unknown (not Linux)
    }
}
