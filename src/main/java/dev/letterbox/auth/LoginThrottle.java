package dev.letterbox.auth;

import dev.letterbox.net.ClientBlock;
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
 * The bookkeeping behind failed-login limits, across all protocols, along two axes. It only
 * decides; the waiting is {@link LoginGuard}'s.
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
 * <p>Checks admitted but not yet ended count as failures for the account's threshold, so a burst
 * of parallel guesses is spaced out from its start rather than after it has failed.
 *
 * <p>Records expire: a client's {@code window} after its first failure (or when its block ends,
 * if later), an account's {@code window} after its last failure or check. Each table is bounded;
 * when one overflows, expired records go first, then those that delay nothing yet.
 */
public final class LoginThrottle {
    /** How long a successful login exempts its client from the per-account spacing. */
    public static final Duration TRUSTED_FOR = Duration.ofDays(30);
    private static final Duration FIRST_DELAY = Duration.ofMillis(250);
    private static final int MAX_RECORDS = 100_000;
    /** Accounts tracked one by one per client; failures at further names only count in the total. */
    private static final int MAX_ACCOUNTS_PER_CLIENT = 32;
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

    /** What a failure changed: worth a log line each, once. */
    public record Failure(boolean clientBlockStarted, boolean accountDelayStarted) {}

    public record Limits(int failuresBeforeDelay, Duration maxDelay, int failuresBeforeBlock, Duration window,
                         Duration blockFor, int accountFailuresBeforeDelay, Duration accountMaxDelay) {}

    private static final class ClientRecord {
        final Instant firstFailure;
        Instant blockedUntil;
        int total;
        final Map<String, Integer> byAccount = new HashMap<>();

        ClientRecord(Instant firstFailure) {
            this.firstFailure = firstFailure;
        }
    }

    private static final class AccountRecord {
        int failures;
        /** Checks admitted and not yet ended: a burst of parallel guesses counts before it fails. */
        int pending;
        Instant lastActivity;
        Instant nextTurn = Instant.MIN;

        int weight() {
            return failures + pending;
        }
    }

    private record Trust(String account, InetAddress client) {}

    private final Clock clock;
    private final Limits limits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<InetAddress, ClientRecord> clients = new HashMap<>();
    private final Map<String, AccountRecord> accounts = new HashMap<>();
    private final Map<Trust, Instant> trusted = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Trust, Instant> eldest) {
            return size() > MAX_RECORDS;
        }
    };

    public LoginThrottle(Clock clock, Limits limits) {
        this.clock = clock;
        this.limits = limits;
    }

    /** Per-client delays cap at 8 s; the failure windows and the block last {@code blockTime}. */
    public static LoginThrottle of(int failuresBeforeDelay, int failuresBeforeBlock, Duration blockTime,
                                   int accountFailuresBeforeDelay, Duration accountMaxDelay) {
        return new LoginThrottle(Clock.systemUTC(), new Limits(failuresBeforeDelay, Duration.ofSeconds(8),
                failuresBeforeBlock, blockTime, blockTime, accountFailuresBeforeDelay, accountMaxDelay));
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
        return locked(() -> {
            Instant now = clock.instant();
            if (isBlocked(liveClient(client, now), now)) return new Admission.ClientBlocked();
            AccountRecord a = accountRecord(account, now);
            Duration wait = Duration.ZERO;
            if (a.weight() >= limits.accountFailuresBeforeDelay() && !isTrusted(account, client, now)) {
                Instant turn = a.nextTurn.isAfter(now) ? a.nextTurn : now;
                wait = Duration.between(now, turn);
                if (wait.compareTo(limits.accountMaxDelay()) > 0) return new Admission.AccountBusy();
                a.nextTurn = turn.plus(doubling(a.weight() - limits.accountFailuresBeforeDelay(), limits.accountMaxDelay()));
            }
            a.pending++;
            a.lastActivity = now;
            return new Admission.Check(wait);
        });
    }

    /** True while the client is refused outright. */
    public boolean isBlocked(InetAddress ip) {
        return locked(() -> {
            Instant now = clock.instant();
            return isBlocked(liveClient(ClientBlock.of(ip), now), now);
        });
    }

    /** How long to wait before answering this client's failed attempt (its failures at every account). */
    public Duration delayFor(InetAddress ip) {
        return locked(() -> {
            ClientRecord c = liveClient(ClientBlock.of(ip), clock.instant());
            if (c == null || c.total < limits.failuresBeforeDelay()) return Duration.ZERO;
            return doubling(c.total - limits.failuresBeforeDelay(), limits.maxDelay());
        });
    }

    /** Records a failed check (and ends it, if it was admitted). */
    public Failure recordFailure(InetAddress ip, String username) {
        InetAddress client = ClientBlock.of(ip);
        String account = accountOf(username);
        return locked(() -> {
            Instant now = clock.instant();
            ClientRecord c = liveClient(client, now);
            if (c == null) {
                if (clients.size() >= MAX_RECORDS) pruneClients(now);
                c = new ClientRecord(now);
                clients.put(client, c);
            }
            c.total++;
            if (c.byAccount.containsKey(account) || c.byAccount.size() < MAX_ACCOUNTS_PER_CLIENT) {
                c.byAccount.merge(account, 1, Integer::sum);
            }
            boolean startsBlock = c.total == limits.failuresBeforeBlock();
            if (c.total >= limits.failuresBeforeBlock()) c.blockedUntil = now.plus(limits.blockFor());

            AccountRecord a = accountRecord(account, now);
            if (a.pending > 0) a.pending--;
            a.failures++;
            a.lastActivity = now;
            return new Failure(startsBlock, a.failures == limits.accountFailuresBeforeDelay());
        });
    }

    /**
     * Records a successful check: clears this client's failures at this account (not its failures
     * at others, not the account's count from other clients) and trusts the client for the account.
     */
    public void recordSuccess(InetAddress ip, String username) {
        InetAddress client = ClientBlock.of(ip);
        String account = accountOf(username);
        locked(() -> {
            Instant now = clock.instant();
            ClientRecord c = liveClient(client, now);
            if (c != null) {
                Integer cleared = c.byAccount.remove(account);
                if (cleared != null) c.total -= cleared;
                if (c.total == 0 && c.blockedUntil == null) clients.remove(client);
            }
            Trust key = new Trust(account, client);
            trusted.remove(key); // re-inserted last: the eldest trust is the first to go
            trusted.put(key, now);
            endCheck(account);
            return null;
        });
    }

    /** Ends an admitted check that is neither a success nor a failure to count (a disabled account, a store error). */
    public void recordEnd(String username) {
        String account = accountOf(username);
        locked(() -> {
            endCheck(account);
            return null;
        });
    }

    /** Runs {@code work} under the lock: every table is read and changed only so. */
    private <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private void endCheck(String account) {
        AccountRecord a = accounts.get(account);
        if (a == null) return;
        if (a.pending > 0) a.pending--;
        if (a.weight() == 0) accounts.remove(account); // only failures are worth remembering
    }

    /** The unit the per-account limits count: the normal form of the name as typed, existing or not. */
    static String accountOf(String username) {
        String name = Addresses.normalize(username).orElseGet(() -> username.toLowerCase(Locale.ROOT));
        return name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH) : name;
    }

    private static Duration doubling(int step, Duration cap) {
        Duration d = FIRST_DELAY.multipliedBy(1L << Math.min(20, Math.max(0, step)));
        return d.compareTo(cap) > 0 ? cap : d;
    }

    private static boolean isBlocked(ClientRecord c, Instant now) {
        return c != null && c.blockedUntil != null && now.isBefore(c.blockedUntil);
    }

    private boolean isTrusted(String account, InetAddress client, Instant now) {
        Instant since = trusted.get(new Trust(account, client));
        return since != null && now.isBefore(since.plus(TRUSTED_FOR));
    }

    private ClientRecord liveClient(InetAddress client, Instant now) {
        ClientRecord c = clients.get(client);
        if (c != null && clientExpired(c, now)) {
            clients.remove(client);
            return null;
        }
        return c;
    }

    /** The account's record, a new one when it had none or it expired. */
    private AccountRecord accountRecord(String account, Instant now) {
        AccountRecord a = accounts.get(account);
        if (a != null && !accountExpired(a, now)) return a;
        if (a == null && accounts.size() >= MAX_RECORDS) pruneAccounts(now);
        a = new AccountRecord();
        a.lastActivity = now;
        accounts.put(account, a);
        return a;
    }

    private boolean clientExpired(ClientRecord c, Instant now) {
        return now.isAfter(c.firstFailure.plus(limits.window())) && (c.blockedUntil == null || now.isAfter(c.blockedUntil));
    }

    private boolean accountExpired(AccountRecord a, Instant now) {
        return now.isAfter(a.lastActivity.plus(limits.window()));
    }

    private void pruneClients(Instant now) {
        clients.values().removeIf(c -> clientExpired(c, now));
        if (clients.size() >= MAX_RECORDS) {
            clients.values().removeIf(c -> c.blockedUntil == null && c.total < limits.failuresBeforeDelay());
        }
    }

    private void pruneAccounts(Instant now) {
        accounts.values().removeIf(a -> accountExpired(a, now));
        if (accounts.size() >= MAX_RECORDS) {
            accounts.values().removeIf(a -> a.weight() < limits.accountFailuresBeforeDelay());
        }
    }
}
