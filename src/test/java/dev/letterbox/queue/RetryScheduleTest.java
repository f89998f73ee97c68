package dev.letterbox.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    final Instant received = Instant.parse("2026-11-22T10:00:00Z");
    final RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)),
            Duration.ofHours(3));

    @Test
    void eachFailureWaitsTheNextIntervalAndTheLastRepeats() {
        Instant now = received.plusSeconds(10);
        assertEquals(now.plus(Duration.ofMinutes(1)), schedule.next(1, now, received));
        assertEquals(now.plus(Duration.ofMinutes(5)), schedule.next(2, now, received));
        assertEquals(now.plus(Duration.ofHours(1)), schedule.next(3, now, received));
        assertEquals(now.plus(Duration.ofHours(1)), schedule.next(17, now, received));
    }

    @Test
    void noAttemptIsPlannedPastTheExpiryAndAFailureThenIsFinal() {
        Instant late = received.plus(Duration.ofMinutes(150));
        assertEquals(received.plus(Duration.ofHours(3)), schedule.next(5, late, received), "the last try is at the expiry");
        assertFalse(schedule.expired(late, received));
        assertTrue(schedule.expired(received.plus(Duration.ofHours(3)), received));
    }
}
