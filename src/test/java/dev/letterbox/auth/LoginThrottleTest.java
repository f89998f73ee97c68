package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.auth.LoginThrottle.Admission;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.sql.SqlMailStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The throttle's bookkeeping on a hand-moved clock, its counts in a real store; the sockets-level
 * tests are in LoginLimitsTest (one node) and ClusterTest (two).
 */
class LoginThrottleTest {
    private static final String ALICE = "alice@example.test";
    private static final String BOB = "bob@example.test";

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

    @TempDir
    Path data;
    private MailStore store;

    @BeforeEach
    void openStore() {
        store = SqlMailStore.openSqlite(data);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private LoginThrottle throttle(int freeFailures, int blockAfter, int accountFree, Duration accountMax) {
        return throttle(store, freeFailures, blockAfter, accountFree, accountMax);
    }

    /** A throttle on {@code node}: two throttles on two stores of one database are two nodes. */
    private LoginThrottle throttle(MailStore node, int freeFailures, int blockAfter, int accountFree, Duration accountMax) {
        return new LoginThrottle(clock, new LoginThrottle.Limits(freeFailures, Duration.ofSeconds(4), blockAfter,
                Duration.ofMinutes(15), Duration.ofMinutes(10), accountFree, accountMax), node.coordination());
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void slowsDownThenBlocksThenForgets() throws Exception {
        LoginThrottle t = throttle(2, 6, 1000, Duration.ofSeconds(30));
        InetAddress ip = ip("192.0.2.1");
        InetAddress other = ip("192.0.2.2");
        assertEquals(Duration.ZERO, t.delayFor(ip));
        t.recordFailure(ip, ALICE);
        t.recordFailure(ip, ALICE);
        assertEquals(Duration.ofMillis(250), t.delayFor(ip));
        t.recordFailure(ip, BOB);
        assertEquals(Duration.ofMillis(500), t.delayFor(ip), "failures at every account count for the client");
        t.recordFailure(ip, ALICE);
        t.recordFailure(ip, ALICE);
        assertEquals(Duration.ofSeconds(2), t.delayFor(ip));
        assertFalse(t.isBlocked(ip));
        assertTrue(t.recordFailure(ip, ALICE).clientBlockStarted(), "the sixth failure starts the block");
        assertTrue(t.isBlocked(ip));
        assertInstanceOf(Admission.ClientBlocked.class, t.admit(ip, BOB));
        assertEquals(Duration.ofSeconds(4), t.delayFor(ip), "capped");
        assertFalse(t.isBlocked(other));
        now = now.plus(Duration.ofMinutes(11));
        assertFalse(t.isBlocked(ip));
        now = now.plus(Duration.ofMinutes(5));
        assertEquals(Duration.ZERO, t.delayFor(ip), "the window passed");
    }

    @Test
    void successClearsThatAccountsFailuresOnly() throws Exception {
        LoginThrottle t = throttle(1, 5, 1000, Duration.ofSeconds(30));
        InetAddress ip = ip("192.0.2.3");
        t.recordFailure(ip, BOB);
        t.recordFailure(ip, BOB);
        assertTrue(t.delayFor(ip).toMillis() > 0);
        t.recordSuccess(ip, "Bob@Example.TEST");
        assertEquals(Duration.ZERO, t.delayFor(ip), "a user who mistyped and then got it right starts clean");

        // two guesses at alice, one good login as bob, again: the guesses at alice add up
        for (int round = 0; round < 2; round++) {
            t.recordFailure(ip, ALICE);
            t.recordFailure(ip, ALICE);
            t.recordSuccess(ip, BOB);
        }
        assertEquals(Duration.ofSeconds(2), t.delayFor(ip), "four failures at alice survive bob's logins");
        assertTrue(t.recordFailure(ip, ALICE).clientBlockStarted());
        assertTrue(t.isBlocked(ip));
    }

    @Test
    void anIpv6ClientIsItsSlash64() throws Exception {
        LoginThrottle t = throttle(10, 3, 1000, Duration.ofSeconds(30));
        t.recordFailure(ip("2001:db8:1:2::1"), ALICE);
        t.recordFailure(ip("2001:db8:1:2:ffff::9"), ALICE);
        t.recordFailure(ip("2001:db8:1:2:abcd:ef01:2345:6789"), ALICE);
        assertTrue(t.isBlocked(ip("2001:db8:1:2::77")), "one /64, one client");
        assertFalse(t.isBlocked(ip("2001:db8:1:3::1")), "the next /64 is another client");
        assertFalse(t.isBlocked(ip("192.0.2.9")));
    }

    @Test
    void checksOfOneAccountAreSpacedOutWhoeverAsks() throws Exception {
        LoginThrottle t = throttle(100, 100, 3, Duration.ofSeconds(2));
        for (int i = 1; i <= 3; i++) {
            InetAddress ip = ip("198.51.100." + i);
            assertEquals(new Admission.Check(Duration.ZERO), t.admit(ip, ALICE), "the first failures cost nothing");
            t.recordFailure(ip, ALICE);
        }
        assertEquals(new Admission.Check(Duration.ZERO), t.admit(ip("198.51.100.4"), ALICE), "the first turn is now");
        assertEquals(new Admission.Check(Duration.ofMillis(250)), t.admit(ip("198.51.100.5"), ALICE), "then one after the other");
        assertEquals(new Admission.Check(Duration.ofMillis(750)), t.admit(ip("198.51.100.6"), "ALICE@example.test"),
                "the spacing doubles with every failure and every check under way");
        assertEquals(new Admission.Check(Duration.ZERO), t.admit(ip("198.51.100.7"), BOB), "other accounts are not slowed");

        t.recordFailure(ip("198.51.100.4"), ALICE);
        t.recordFailure(ip("198.51.100.5"), ALICE);
        t.recordFailure(ip("198.51.100.6"), ALICE); // 6 failures: turns are now 2 s apart (capped)
        assertEquals(new Admission.Check(Duration.ofMillis(1750)), t.admit(ip("198.51.100.8"), ALICE));
        assertInstanceOf(Admission.AccountBusy.class, t.admit(ip("198.51.100.9"), ALICE),
                "a turn more than the longest delay away is refused at once, not queued");
        now = now.plus(Duration.ofMillis(1750));
        assertEquals(new Admission.Check(Duration.ofSeconds(2)), t.admit(ip("198.51.100.9"), ALICE));
    }

    @Test
    void aParallelBurstIsSpacedBeforeItFails() throws Exception {
        LoginThrottle t = throttle(100, 100, 2, Duration.ofSeconds(2));
        assertEquals(new Admission.Check(Duration.ZERO), t.admit(ip("198.51.100.1"), ALICE));
        assertEquals(new Admission.Check(Duration.ZERO), t.admit(ip("198.51.100.2"), ALICE));
        assertEquals(new Admission.Check(Duration.ZERO), t.admit(ip("198.51.100.3"), ALICE));
        assertEquals(new Admission.Check(Duration.ofMillis(250)), t.admit(ip("198.51.100.4"), ALICE),
                "two checks under way count like two failures");
        t.recordSuccess(ip("198.51.100.1"), ALICE);
        t.recordEnd(ALICE);
        t.recordEnd(ALICE);
        t.recordEnd(ALICE);
        assertEquals(new Admission.Check(Duration.ZERO), t.admit(ip("198.51.100.5"), ALICE), "ended checks leave nothing behind");
        t.recordEnd(ALICE);
        assertEquals(new Admission.Check(Duration.ZERO), t.admit(ip("198.51.100.6"), ALICE));
    }

    @Test
    void aClientThatLoggedInRecentlySkipsTheAccountsQueue() throws Exception {
        LoginThrottle t = throttle(100, 100, 2, Duration.ofSeconds(2));
        InetAddress home = ip("203.0.113.10");
        InetAddress phone = ip("2001:db8:aa::1");
        t.recordSuccess(home, ALICE);
        t.recordSuccess(phone, ALICE);
        for (int i = 1; i <= 5; i++) t.recordFailure(ip("198.51.100." + i), ALICE);
        t.admit(ip("198.51.100.20"), ALICE);
        t.admit(ip("198.51.100.21"), ALICE);
        assertInstanceOf(Admission.AccountBusy.class, t.admit(ip("198.51.100.22"), ALICE));
        assertEquals(new Admission.Check(Duration.ZERO), t.admit(home, ALICE));
        assertEquals(new Admission.Check(Duration.ZERO), t.admit(ip("2001:db8:aa::2"), ALICE), "same /64 as the phone");
        for (int i = 1; i <= 5; i++) t.recordFailure(ip("198.51.100." + i), BOB);
        t.admit(ip("198.51.100.40"), BOB);
        t.admit(ip("198.51.100.41"), BOB);
        assertInstanceOf(Admission.AccountBusy.class, t.admit(home, BOB), "trust is per account");

        now = now.plus(LoginThrottle.TRUSTED_FOR).plusSeconds(1);
        for (int i = 1; i <= 3; i++) t.recordFailure(ip("198.51.100." + i), ALICE);
        t.admit(ip("198.51.100.30"), ALICE);
        t.admit(ip("198.51.100.31"), ALICE);
        assertEquals(new Admission.Check(Duration.ofMillis(1500)), t.admit(home, ALICE), "trust expires: home waits its turn");
    }

    @Test
    void anAccountsRecordIsForgottenAWindowAfterItsLastFailure() throws Exception {
        LoginThrottle t = throttle(100, 100, 2, Duration.ofSeconds(2));
        t.recordFailure(ip("198.51.100.1"), ALICE);
        now = now.plus(Duration.ofMinutes(10));
        t.recordFailure(ip("198.51.100.2"), ALICE);
        now = now.plus(Duration.ofMinutes(10));
        t.admit(ip("198.51.100.3"), ALICE);
        assertEquals(new Admission.Check(Duration.ofMillis(250)), t.admit(ip("198.51.100.4"), ALICE),
                "20 minutes after the first failure, 10 after the last: still counted");
        now = now.plus(Duration.ofMinutes(16));
        assertEquals(new Admission.Check(Duration.ZERO), t.admit(ip("198.51.100.5"), ALICE));
        assertEquals(new Admission.Check(Duration.ZERO), t.admit(ip("198.51.100.6"), ALICE));
    }

    @Test
    void failuresOnOneNodeSlowAndBlockOnTheOther() throws Exception {
        try (MailStore other = SqlMailStore.openSqlite(data)) {
            LoginThrottle a = throttle(store, 2, 4, 2, Duration.ofSeconds(2));
            LoginThrottle b = throttle(other, 2, 4, 2, Duration.ofSeconds(2));
            InetAddress ip = ip("192.0.2.77");
            a.recordFailure(ip, ALICE);
            b.recordFailure(ip, ALICE);
            assertEquals(Duration.ofMillis(250), a.delayFor(ip), "two failures, one at each node");
            assertEquals(new Admission.Check(Duration.ZERO), b.admit(ip("198.51.100.77"), ALICE),
                    "the account's count is shared: spacing starts with this check");
            b.recordEnd(ALICE);
            a.recordFailure(ip, BOB);
            assertTrue(b.recordFailure(ip, BOB).clientBlockStarted(), "the fourth failure, whichever node counts it");
            assertInstanceOf(Admission.ClientBlocked.class, a.admit(ip, BOB));
            assertTrue(a.isBlocked(ip));
            assertFalse(b.isBlocked(ip("192.0.2.78")));
        }
    }
}
