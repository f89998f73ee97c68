package dev.letterbox.auth;

import dev.letterbox.net.ClientBlock;
import dev.letterbox.store.Coordination;
import dev.letterbox.store.Coordination.LoginFailures;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The bookkeeping behind failed-login limits, across all protocols and all nodes, along two axes.
 * It only decides; the waiting is {@link LoginGuard}'s.
 *
 * <p><b>Per client</b> (an IPv4 address, or an IPv6 /64, because one host usually holds a whole
 * /64): after {@code failuresBeforeDelay} failures each failed answer waits longer (doubling from
 * 250 ms up to {@code maxDelay}); at {@code failuresBeforeBlock} failures within {@code window}
 * the client is refused for {@code blockFor}. Failures are kept per target account and a success
 * clears only that account's failures from that client: someone who mistypes and then gets it
 * right starts clean, but logging in to one's own account does not wipe the guesses made at
 * someone else's.
 *
 * <p><b>Per account</b> (all clients together): after {@code accountFailuresBeforeDelay} failures,
 * password checks for that account are spaced out, one at a time, doubling from 250 ms up to
 * {@code accountMaxDelay} apart, so a thousand addresses in parallel get no more guesses than one.
 * The spacing is taken when a check is admitted, before the password is looked at; nobody waits
 * longer than {@code accountMaxDelay} for a turn, and when the queue is longer the attempt is
 * turned away at once ("try later"), so waiting never piles up. It is a delay, never a lock-out:
 * the owner gets in, slowly at worst, and a client that logged in to the account within
 * {@link #TRUSTED_FOR} skips the spacing altogether, so the owner's usual devices do not feel
 * someone else's attack. Names that are not accounts are counted the same way, so the delays say
 * nothing about which accounts exist.
 *
 * <p><b>Shared and local.</b> The failure counts live in the store's {@link Coordination}, so
 * guesses spread over several nodes add up: each admission reads them (one indexed read), each
 * failure writes them, and a success writes only when that client had failures at that account.
 * What is about checks in progress stays in this process: checks admitted but not yet ended
 * (they count as failures for the account's threshold, so a burst of parallel guesses is spaced
 * out from its start rather than after it has failed), the account's next turn, and which clients
 * are trusted. So each node spaces its own turns, from the shared count: n nodes give an attacker
 * at most n turns per spacing, not one per address.
 *
 * <p>Records expire: a client's {@code window} after its first failure (or when its block ends,
 * if later), an account's {@code window} after its last failure or check. The store prunes its
 * expired records; the local tables are bounded and drop expired entries first.
 */
public final class LoginThrottle {
    /** How long a successful login exempts its client from the per-account spacing. */
    public static final Duration TRUSTED_FOR = Duration.ofDays(30);
    private static final Duration FIRST_DELAY = Duration.ofMillis(250);
    private static final int MAX_RECORDS = 100_000;
    private static final int MAX_NAME_LENGTH = 320;

    /** Whether, and when, a password may be checked. */
    public sealed interface Admission {
        /** Check after waiting {@code after} (zero: at once); the turn is already taken. */
        record Check(Duration after) implements Admission {}

        /** Refused without a check: too many failures from this client. */
        record ClientBlocked() implements Admission {}

        /** Refused without a check: too many failures at this account, its queue is full. */
        record AccountBusy() implements Admission {}
    }

    /**
     * What a failure changed: worth a log line each, once; and how long to wait before answering
     * it (the client's delay, counting this failure).
     */
    public record Failure(boolean clientBlockStarted, boolean accountDelayStarted, Duration delay) {}

    public record Limits(int failuresBeforeDelay, Duration maxDelay, int failuresBeforeBlock, Duration window,
                         Duration blockFor, int accountFailuresBeforeDelay, Duration accountMaxDelay) {}

    /** This node's part of an account's record: checks under way and the turn they took. */
    private static final class AccountTurns {
        /** Checks admitted and not yet ended: a burst of parallel guesses counts before it fails. */
        int pending;
        Instant lastActivity;
        Instant nextTurn = Instant.MIN;
    }

    private record Trust(String account, InetAddress client) {}

    private final Clock clock;
    private final Limits limits;
    private final Coordination shared;
    private final Coordination.FailureLimits sharedLimits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, AccountTurns> accounts = new HashMap<>();
    private final Map<Trust, Instant> trusted = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Trust, Instant> eldest) {
            return size() > MAX_RECORDS;
        }
    };

    public LoginThrottle(Clock clock, Limits limits, Coordination shared) {
        this.clock = clock;
        this.limits = limits;
        this.shared = shared;
        this.sharedLimits = new Coordination.FailureLimits(limits.window(), limits.failuresBeforeBlock(), limits.blockFor());
    }

    /** Per-client delays cap at 8 s; the failure windows and the block last {@code blockTime}. */
    public static LoginThrottle of(int failuresBeforeDelay, int failuresBeforeBlock, Duration blockTime,
                                   int accountFailuresBeforeDelay, Duration accountMaxDelay, Coordination shared) {
        return new LoginThrottle(Clock.systemUTC(), new Limits(failuresBeforeDelay, Duration.ofSeconds(8),
                failuresBeforeBlock, blockTime, blockTime, accountFailuresBeforeDelay, accountMaxDelay), shared);
    }

    /**
     * Asks before checking a password for {@code username} from {@code ip}. A {@link Admission.Check}
     * has taken its turn in the account's queue and counts as pending until one of
     * {@link #recordSuccess}, {@link #recordFailure} or {@link #recordEnd} ends it: so call this only
     * when the check follows, and end every check admitted.
     */
    public Admission admit(InetAddress ip, String username) {
        InetAddress client = ClientBlock.of(ip);
        String account = accountOf(username);
        Instant now = clock.instant();
        LoginFailures counts = shared.loginFailures(key(client), account, now); // read before the lock: no I/O under it
        if (counts.clientBlocked(now)) return new Admission.ClientBlocked();
        return locked(() -> {
            AccountTurns a = turns(account, now);
            int weight = counts.accountFailures() + a.pending;
            Duration wait = Duration.ZERO;
            if (weight >= limits.accountFailuresBeforeDelay() && !isTrusted(account, client, now)) {
                Instant turn = a.nextTurn.isAfter(now) ? a.nextTurn : now;
                wait = Duration.between(now, turn);
                if (wait.compareTo(limits.accountMaxDelay()) > 0) return new Admission.AccountBusy();
                a.nextTurn = turn.plus(doubling(weight - limits.accountFailuresBeforeDelay(), limits.accountMaxDelay()));
            }
            a.pending++;
            a.lastActivity = now;
            return new Admission.Check(wait);
        });
    }

    /** True while the client is refused outright. */
    public boolean isBlocked(InetAddress ip) {
        Instant now = clock.instant();
        return shared.loginFailures(key(ClientBlock.of(ip)), "", now).clientBlocked(now);
    }

    /** How long to wait before answering this client's failed attempt (its failures at every account). */
    public Duration delayFor(InetAddress ip) {
        return clientDelay(shared.loginFailures(key(ClientBlock.of(ip)), "", clock.instant()).clientFailures());
    }

    /** Records a failed check (and ends it, if it was admitted). */
    public Failure recordFailure(InetAddress ip, String username) {
        InetAddress client = ClientBlock.of(ip);
        String account = accountOf(username);
        Instant now = clock.instant();
        LoginFailures after;
        try {
            after = shared.countLoginFailure(key(client), account, now, sharedLimits);
        } finally {
            endCheck(account, now);
        }
        return new Failure(after.clientFailures() == limits.failuresBeforeBlock(),
                after.accountFailures() == limits.accountFailuresBeforeDelay(), clientDelay(after.clientFailures()));
    }

    /**
     * Records a successful check: clears this client's failures at this account (not its failures
     * at others, not the account's count from other clients) and trusts the client for the account.
     */
    public void recordSuccess(InetAddress ip, String username) {
        InetAddress client = ClientBlock.of(ip);
        String account = accountOf(username);
        Instant now = clock.instant();
        try {
            shared.forgetLoginFailures(key(client), account, now);
        } finally {
            locked(() -> {
                Trust key = new Trust(account, client);
                trusted.remove(key); // re-inserted last: the eldest trust is the first to go
                trusted.put(key, now);
                return null;
            });
            endCheck(account, now);
        }
    }

    /** Ends an admitted check that is neither a success nor a failure to count (a disabled account, a store error). */
    public void recordEnd(String username) {
        endCheck(accountOf(username), clock.instant());
    }

    /** Runs {@code work} under the lock: every local table is read and changed only so. */
    private <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private void endCheck(String account, Instant now) {
        locked(() -> {
            AccountTurns a = accounts.get(account);
            if (a == null) return null;
            if (expired(a, now)) { // its checks were never ended; a new record starts at the next admission
                accounts.remove(account);
                return null;
            }
            if (a.pending > 0) a.pending--;
            if (a.pending == 0 && !a.nextTurn.isAfter(now)) accounts.remove(account); // nothing left to space out
            return null;
        });
    }

    /** The shared records' name for a client: its address, or its /64's. */
    private static String key(InetAddress client) {
        return client.getHostAddress();
    }

    /** The unit the per-account limits count: the normal form of the name as typed, existing or not. */
    static String accountOf(String username) {
        String name = Addresses.normalize(username).orElseGet(() -> username.toLowerCase(Locale.ROOT));
        return name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH) : name;
    }

    private Duration clientDelay(int failures) {
        if (failures < limits.failuresBeforeDelay()) return Duration.ZERO;
        return doubling(failures - limits.failuresBeforeDelay(), limits.maxDelay());
    }

    private static Duration doubling(int step, Duration cap) {
        Duration d = FIRST_DELAY.multipliedBy(1L << Math.min(20, Math.max(0, step)));
        return d.compareTo(cap) > 0 ? cap : d;
    }

    private boolean isTrusted(String account, InetAddress client, Instant now) {
        Instant since = trusted.get(new Trust(account, client));
        return since != null && now.isBefore(since.plus(TRUSTED_FOR));
    }

    /** The account's local record, a new one when it had none or it expired. */
    private AccountTurns turns(String account, Instant now) {
        AccountTurns a = accounts.get(account);
        if (a != null && !expired(a, now)) return a;
        if (a == null && accounts.size() >= MAX_RECORDS) prune(now);
        a = new AccountTurns();
        a.lastActivity = now;
        accounts.put(account, a);
        return a;
    }

    private boolean expired(AccountTurns a, Instant now) {
        return now.isAfter(a.lastActivity.plus(limits.window()));
    }

    private void prune(Instant now) {
        accounts.values().removeIf(a -> expired(a, now));
        if (accounts.size() >= MAX_RECORDS) accounts.values().removeIf(a -> !a.nextTurn.isAfter(now));
    }
}
