package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private Instant now = Instant.parse("2026-11-22T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void slowsDownThenBlocksThenForgets() throws Exception {
        LoginThrottle t = new LoginThrottle(clock, 2, Duration.ofSeconds(4), 6, Duration.ofMinutes(15), Duration.ofMinutes(10));
        InetAddress ip = InetAddress.getByName("192.0.2.1");
        InetAddress other = InetAddress.getByName("192.0.2.2");
        assertEquals(Duration.ZERO, t.delayFor(ip));
        t.recordFailure(ip);
        t.recordFailure(ip);
        assertEquals(Duration.ofMillis(250), t.delayFor(ip));
        t.recordFailure(ip);
        assertEquals(Duration.ofMillis(500), t.delayFor(ip));
        t.recordFailure(ip);
        t.recordFailure(ip);
        assertEquals(Duration.ofSeconds(2), t.delayFor(ip));
        assertFalse(t.isBlocked(ip));
        assertTrue(t.recordFailure(ip), "the sixth failure starts the block");
        assertTrue(t.isBlocked(ip));
        assertEquals(Duration.ofSeconds(4), t.delayFor(ip), "capped");
        assertFalse(t.isBlocked(other));
        now = now.plus(Duration.ofMinutes(11));
        assertFalse(t.isBlocked(ip));
        now = now.plus(Duration.ofMinutes(5));
        assertEquals(Duration.ZERO, t.delayFor(ip), "the window passed");
    }

    @Test
    void successClearsTheRecord() throws Exception {
        LoginThrottle t = new LoginThrottle(clock, 1, Duration.ofSeconds(4), 5, Duration.ofMinutes(15), Duration.ofMinutes(10));
        InetAddress ip = InetAddress.getByName("192.0.2.3");
        t.recordFailure(ip);
        t.recordFailure(ip);
        assertTrue(t.delayFor(ip).toMillis() > 0);
        t.recordSuccess(ip);
        assertEquals(Duration.ZERO, t.delayFor(ip));
    }
}
