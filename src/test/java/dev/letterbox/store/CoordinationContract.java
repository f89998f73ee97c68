package dev.letterbox.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Coordination.FailureLimits;
import dev.letterbox.store.Coordination.LoginFailures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The {@link Coordination} contract, with two nodes on one database wherever the point is that
 * nodes agree: a lock has one holder among all of them, failures counted anywhere count everywhere.
 */
public interface CoordinationContract extends StoreFixture {
    Duration LONG = Duration.ofMinutes(2);
    Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    FailureLimits LIMITS = new FailureLimits(Duration.ofMinutes(15), 3, Duration.ofMinutes(10));

    @Test
    default void aLockHasOneHolderAcrossNodes() {
        try (MailStore a = newStore(); MailStore b = sameDatabase(a)) {
            assertTrue(a.coordination().tryLock("pop3:1", "a/s1", LONG));
            assertFalse(b.coordination().tryLock("pop3:1", "b/s1", LONG), "held on the other node");
            assertFalse(a.coordination().tryLock("pop3:1", "a/s2", LONG), "held by another session of this node");
            assertTrue(b.coordination().tryLock("pop3:2", "b/s1", LONG), "other names are free");
            assertTrue(a.coordination().tryLock("pop3:1", "a/s1", LONG), "asking again as the holder renews");
            assertTrue(a.coordination().renew("pop3:1", "a/s1", LONG));
            assertFalse(b.coordination().renew("pop3:1", "b/s1", LONG), "only the holder renews");

            b.coordination().release("pop3:1", "b/s1"); // not the holder: nothing happens
            assertFalse(b.coordination().tryLock("pop3:1", "b/s1", LONG));
            a.coordination().release("pop3:1", "a/s1");
            assertTrue(b.coordination().tryLock("pop3:1", "b/s1", LONG), "free once released");
            assertFalse(a.coordination().renew("pop3:1", "a/s1", LONG), "a released lock is not renewed");
        }
    }

    @Test
    default void anExpiredLockIsTakenOverAndItsHolderHasLostIt() throws Exception {
        try (MailStore a = newStore(); MailStore b = sameDatabase(a)) {
            assertTrue(a.coordination().tryLock("pop3:7", "a/s1", Duration.ofMillis(200)));
            assertFalse(b.coordination().tryLock("pop3:7", "b/s1", LONG));
            Thread.sleep(300); // the holder died: no renewal
            assertTrue(b.coordination().tryLock("pop3:7", "b/s1", LONG), "a dead node's lock ends at its expiry");
            assertFalse(a.coordination().renew("pop3:7", "a/s1", LONG), "the old holder learns it lost the lock");

            assertTrue(a.coordination().tryLock("pop3:8", "a/s1", Duration.ofMillis(200)));
            Thread.sleep(300);
            assertFalse(a.coordination().renew("pop3:8", "a/s1", LONG), "past its expiry a lock is gone, taken or not");
            assertEquals(1, a.coordination().pruneExpired(Instant.now()), "the expired lock goes, the live one stays");
            assertFalse(a.coordination().tryLock("pop3:7", "a/s1", LONG));
        }
    }

    @Test
    default void nodesAskingAtOnceGetTheLockOnce() throws Exception {
        try (MailStore a = newStore(); MailStore b = sameDatabase(a)) {
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                for (int round = 0; round < 5; round++) {
                    String name = "pop3:race" + round;
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<Boolean>> asks = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        MailStore node = i % 2 == 0 ? a : b;
                        String owner = "n" + (i % 2) + "/s" + i;
                        Callable<Boolean> ask = () -> {
                            start.await();
                            return node.coordination().tryLock(name, owner, LONG);
                        };
                        asks.add(threads.submit(ask));
                    }
                    start.countDown();
                    int winners = 0;
                    for (Future<Boolean> f : asks) winners += f.get() ? 1 : 0;
                    assertEquals(1, winners, "round " + round);
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    default void aRememberedKeyIsNewOnceAcrossNodesUntilItExpires() throws Exception {
        try (MailStore a = newStore(); MailStore b = sameDatabase(a)) {
            assertTrue(a.coordination().remember("vacation:1:x", Duration.ofMillis(300)), "new");
            assertFalse(b.coordination().remember("vacation:1:x", LONG), "on record, for the other node too");
            assertFalse(a.coordination().remember("vacation:1:x", LONG), "asking again does not renew it");
            assertTrue(b.coordination().remember("vacation:1:y", LONG), "other keys are free");
            assertTrue(a.coordination().tryLock("vacation:1:x", "a/s1", LONG), "keys and locks do not meet");
            Thread.sleep(400);
            assertTrue(b.coordination().remember("vacation:1:x", LONG), "new again once it expired");
        }
    }

    @Test
    default void failuresCountedOnOneNodeCountOnTheOther() {
        try (MailStore a = newStore(); MailStore b = sameDatabase(a)) {
            assertEquals(LoginFailures.NONE, b.coordination().loginFailures("192.0.2.1", "alice@example.com", T0));
            a.coordination().countLoginFailure("192.0.2.1", "alice@example.com", T0, LIMITS);
            LoginFailures two = b.coordination().countLoginFailure("192.0.2.1", "bob@example.com", T0.plusSeconds(1), LIMITS);
            assertEquals(2, two.clientFailures(), "the client's failures at every account");
            assertEquals(1, two.accountFailures());
            assertFalse(two.clientBlocked(T0.plusSeconds(1)));

            LoginFailures three = a.coordination().countLoginFailure("192.0.2.1", "alice@example.com", T0.plusSeconds(2), LIMITS);
            assertTrue(three.clientBlocked(T0.plusSeconds(2)), "the third failure blocks");
            assertEquals(T0.plusSeconds(2).plus(LIMITS.blockFor()), three.clientBlockedUntil());
            assertEquals(2, three.accountFailures());
            LoginFailures seen = b.coordination().loginFailures("192.0.2.1", "alice@example.com", T0.plusSeconds(3));
            assertEquals(three, seen, "the other node sees the same counts");
            assertFalse(b.coordination().loginFailures("192.0.2.2", "carol@example.com", T0).clientBlocked(T0));
        }
    }

    @Test
    default void recordsExpireAClientsFromItsFirstFailureAnAccountsFromItsLast() {
        try (MailStore store = newStore()) {
            Coordination c = store.coordination();
            c.countLoginFailure("192.0.2.1", "alice@example.com", T0, LIMITS);
            c.countLoginFailure("192.0.2.2", "alice@example.com", T0.plus(Duration.ofMinutes(10)), LIMITS);
            LoginFailures later = c.loginFailures("192.0.2.1", "alice@example.com", T0.plus(Duration.ofMinutes(20)));
            assertEquals(0, later.clientFailures(), "the client's window is over");
            assertEquals(2, later.accountFailures(), "10 minutes after the account's last failure: still counted");
            assertEquals(LoginFailures.NONE, c.loginFailures("192.0.2.1", "alice@example.com", T0.plus(Duration.ofMinutes(26))));
            LoginFailures fresh = c.countLoginFailure("192.0.2.1", "alice@example.com", T0.plus(Duration.ofMinutes(30)), LIMITS);
            assertEquals(1, fresh.clientFailures(), "an expired record starts again from one");
            assertEquals(1, fresh.accountFailures());
        }
    }

    @Test
    default void aBlockOutlastsTheWindowAndThenExpires() {
        FailureLimits longBlock = new FailureLimits(Duration.ofMinutes(5), 2, Duration.ofMinutes(30));
        try (MailStore store = newStore()) {
            Coordination c = store.coordination();
            c.countLoginFailure("192.0.2.9", "x@example.com", T0, longBlock);
            c.countLoginFailure("192.0.2.9", "x@example.com", T0, longBlock);
            assertTrue(c.loginFailures("192.0.2.9", "y@example.com", T0.plus(Duration.ofMinutes(20))).clientBlocked(
                    T0.plus(Duration.ofMinutes(20))), "blocked past the window");
            assertFalse(c.loginFailures("192.0.2.9", "y@example.com", T0.plus(Duration.ofMinutes(31))).clientBlocked(
                    T0.plus(Duration.ofMinutes(31))));
        }
    }

    @Test
    default void aSuccessForgetsThatClientsFailuresAtThatAccountOnly() {
        try (MailStore a = newStore(); MailStore b = sameDatabase(a)) {
            FailureLimits roomy = new FailureLimits(Duration.ofMinutes(15), 100, Duration.ofMinutes(10));
            a.coordination().countLoginFailure("192.0.2.1", "alice@example.com", T0, roomy);
            a.coordination().countLoginFailure("192.0.2.1", "alice@example.com", T0, roomy);
            a.coordination().countLoginFailure("192.0.2.1", "bob@example.com", T0, roomy);
            a.coordination().countLoginFailure("198.51.100.1", "alice@example.com", T0, roomy);

            b.coordination().forgetLoginFailures("192.0.2.1", "alice@example.com", T0.plusSeconds(1));
            LoginFailures after = a.coordination().loginFailures("192.0.2.1", "alice@example.com", T0.plusSeconds(1));
            assertEquals(1, after.clientFailures(), "the failure at bob stays");
            assertEquals(3, after.accountFailures(), "alice's count from every client stays");
            assertEquals(1, a.coordination().loginFailures("198.51.100.1", "x@example.com", T0.plusSeconds(1)).clientFailures());

            b.coordination().forgetLoginFailures("192.0.2.1", "alice@example.com", T0.plusSeconds(2)); // nothing left: no-op
            assertEquals(1, a.coordination().loginFailures("192.0.2.1", "alice@example.com", T0.plusSeconds(2)).clientFailures());
            b.coordination().forgetLoginFailures("192.0.2.1", "bob@example.com", T0.plusSeconds(2));
            assertEquals(0, a.coordination().loginFailures("192.0.2.1", "alice@example.com", T0.plusSeconds(2)).clientFailures());
        }
    }

    @Test
    default void pruningDeletesOnlyWhatExpired() {
        try (MailStore store = newStore()) {
            Coordination c = store.coordination();
            c.countLoginFailure("192.0.2.1", "alice@example.com", T0, LIMITS); // three rows: client, account, both
            c.countLoginFailure("192.0.2.2", "bob@example.com", T0.plus(Duration.ofMinutes(10)), LIMITS);
            assertEquals(3, c.pruneExpired(T0.plus(Duration.ofMinutes(16))));
            assertEquals(1, c.loginFailures("192.0.2.2", "bob@example.com", T0.plus(Duration.ofMinutes(16))).clientFailures());
            assertEquals(3, c.pruneExpired(T0.plus(Duration.ofMinutes(26))));
            assertEquals(0, c.pruneExpired(T0.plus(Duration.ofMinutes(60))));
        }
    }
}
