package dev.letterbox.store;

import java.time.Duration;
import java.time.Instant;

/**
 * What the nodes serving one database must agree on, kept in that database: named locks with an
 * expiry (one POP3 session per account across all nodes) and the failed-login counts behind the
 * login throttle (guesses made at one node slow and block the guesser at every node).
 *
 * <p>Every method is one short transaction of its own and every change is committed before it
 * returns. Nothing here is announced on the {@link ChangeBus}: callers ask when they need to know.
 *
 * <p><b>Locks</b> are taken atomically: of two nodes asking at once, one gets the lock. A lock ends
 * when its holder releases it or when its expiry passes without a renewal, so a node that dies
 * (SIGKILL, power) holds nothing for longer than the time to live it last asked for. Lock expiry is
 * judged by each node's wall clock: nodes must keep their clocks in step (NTP), to well within
 * the time to live.
 *
 * <p><b>Login failures</b> are counted per client (an address or /64, as the caller names it), per
 * account name as typed (existing or not), and per client at each account (so that a success can
 * take back just that client's failures at that account). Times are the caller's {@code now}, so
 * the rules can be tested on a hand-moved clock. Expired records count as none and are pruned.
 */
public interface Coordination {
    /**
     * Takes {@code name} for {@code owner} until {@code ttl} from now, when nobody holds it or its
     * holder's expiry has passed (taking over from a dead holder); true when {@code owner} now holds
     * it. Asking again as the holder renews it.
     */
    boolean tryLock(String name, String owner, Duration ttl);

    /** Pushes the expiry of a held lock to {@code ttl} from now; false when {@code owner} no longer holds it. */
    boolean renew(String name, String owner, Duration ttl);

    /** Lets go of the lock, if {@code owner} holds it. */
    void release(String name, String owner);

    /**
     * Puts {@code key} on record for {@code ttl} unless it is on record already: true when it was not
     * (and now is). Atomic across nodes, like {@link #tryLock}: of two deliveries asking at once, one
     * gets true. What it is for: one vacation answer per sender per period, and Sieve's duplicate test.
     */
    boolean remember(String key, Duration ttl);

    /** Whether {@code key} is on record (see {@link #remember}); asks without recording anything. */
    boolean isRemembered(String key);

    /** The failures on record for {@code client} and for {@code account}, as of {@code now}. */
    LoginFailures loginFailures(String client, String account, Instant now);

    /**
     * Counts one failed login of {@code client} at {@code account} and returns the counts after it.
     * A client's record lasts {@code window} from its first failure (or until its block ends); at
     * {@code blockAt} failures it is blocked for {@code blockFor} from each failure on. An account's
     * record lasts {@code window} from its last failure: an attack that goes on stays counted.
     */
    LoginFailures countLoginFailure(String client, String account, Instant now, FailureLimits limits);

    /**
     * After a successful login: forgets {@code client}'s failures at {@code account} and takes them
     * off the client's total; its failures at other accounts, and the account's count from other
     * clients, stay. Writes nothing when there is nothing to forget.
     */
    void forgetLoginFailures(String client, String account, Instant now);

    /** Deletes expired locks and failure records; returns how many rows went. The store calls it on a schedule. */
    int pruneExpired(Instant now);

    /** How failures are counted; see {@link #countLoginFailure}. */
    record FailureLimits(Duration window, int blockAt, Duration blockFor) {}

    /**
     * The counts as of one moment: the client's failures at every account, until when it is
     * blocked ({@link Instant#EPOCH} when not), and the account's failures from every client.
     */
    record LoginFailures(int clientFailures, Instant clientBlockedUntil, int accountFailures) {
        public static final LoginFailures NONE = new LoginFailures(0, Instant.EPOCH, 0);

        public boolean clientBlocked(Instant now) {
            return now.isBefore(clientBlockedUntil);
        }
    }
}
