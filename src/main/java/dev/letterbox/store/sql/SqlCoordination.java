package dev.letterbox.store.sql;

import dev.letterbox.store.Coordination;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Locks and failed-login counts in the {@code coordination_lock} and {@code login_failure} tables.
 *
 * <p>A lock is taken by one statement, {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} the row
 * has expired or is the caller's own: the database decides between two nodes asking at once
 * (SQLite serialises writers; PostgreSQL makes the second insert wait for the first and then
 * re-checks the condition against the committed row), and the update count says who won.
 *
 * <p>A failure record is read and rewritten in the writer's transaction, the row locked first
 * (inserted empty when missing, then selected for update), so counts from several nodes add up.
 * Reads that find nothing to change write nothing: a login that succeeds with a clean record costs
 * one indexed read.
 */
final class SqlCoordination implements Coordination {
    private static final String CLIENT = "client", ACCOUNT = "account", CLIENT_ACCOUNT = "client-account";

    private final ReadPool reads;
    private final GroupCommitWriter writer;
    private final Dialect dialect;
    private final DatabaseClock clock;

    SqlCoordination(ReadPool reads, GroupCommitWriter writer, Dialect dialect, DatabaseClock clock) {
        this.reads = reads;
        this.writer = writer;
        this.dialect = dialect;
        this.clock = clock;
    }

    private <T> T write(GroupCommitWriter.Unit<T> unit) {
        return GroupCommitWriter.await(writer.submit(unit));
    }

    // --- locks

    @Override
    public boolean tryLock(String name, String owner, Duration ttl) {
        long now = clock.toDatabase(System.currentTimeMillis()); // nodes compare each other's expiries
        return write((db, fx) -> db.update("INSERT INTO coordination_lock (name, owner, expires) VALUES (?, ?, ?) "
                        + "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires = excluded.expires "
                        + "WHERE coordination_lock.expires <= ? OR coordination_lock.owner = excluded.owner",
                name, owner, now + ttl.toMillis(), now) == 1);
    }

    /**
     * A remembered key is a lock nobody owns (owner ''), so it lives in the same table, is taken by
     * the same statement and pruned with the locks; the condition leaves out "or it is the caller's
     * own", so a key on record is never renewed by asking again.
     */
    @Override
    public boolean remember(String key, Duration ttl) {
        long now = clock.toDatabase(System.currentTimeMillis());
        return write((db, fx) -> db.update("INSERT INTO coordination_lock (name, owner, expires) VALUES (?, '', ?) "
                        + "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires = excluded.expires "
                        + "WHERE coordination_lock.expires <= ?",
                "remember:" + key, now + ttl.toMillis(), now) == 1);
    }

    @Override
    public boolean isRemembered(String key) {
        long now = clock.toDatabase(System.currentTimeMillis());
        return reads.read(db -> db.firstLong("SELECT 1 FROM coordination_lock WHERE name = ? AND expires > ?",
                "remember:" + key, now)).isPresent();
    }

    @Override
    public boolean renew(String name, String owner, Duration ttl) {
        long now = clock.toDatabase(System.currentTimeMillis());
        // an expired lock is not renewed even when nobody took it yet: past its expiry it is gone, whoever looks
        return write((db, fx) -> db.update("UPDATE coordination_lock SET expires = ? WHERE name = ? AND owner = ? AND expires > ?",
                now + ttl.toMillis(), name, owner, now) == 1);
    }

    @Override
    public void release(String name, String owner) {
        write((db, fx) -> db.update("DELETE FROM coordination_lock WHERE name = ? AND owner = ?", name, owner));
    }

    // --- login failures

    private record Failures(int failures, long windowStart, long blockedUntil, long expires) {
        static final Failures NONE = new Failures(0, 0, 0, 0);

        /** As of {@code now}: an expired record is no record. */
        Failures live(long now) {
            return expires > now ? this : NONE;
        }
    }

    private static Optional<Failures> row(SqlSession db, String scope, String subject, String suffix) {
        return db.first("SELECT failures, window_start, blocked_until, expires FROM login_failure "
                        + "WHERE scope = ? AND subject = ?" + suffix,
                rs -> new Failures(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)), scope, subject);
    }

    private static Coordination.LoginFailures counts(Failures client, Failures account) {
        return new Coordination.LoginFailures(client.failures(), Instant.ofEpochMilli(client.blockedUntil()),
                account.failures());
    }

    @Override
    public LoginFailures loginFailures(String client, String account, Instant now) {
        long at = now.toEpochMilli();
        return reads.read(db -> counts(row(db, CLIENT, client, "").orElse(Failures.NONE).live(at),
                row(db, ACCOUNT, account, "").orElse(Failures.NONE).live(at)));
    }

    @Override
    public LoginFailures countLoginFailure(String client, String account, Instant now, FailureLimits limits) {
        long at = now.toEpochMilli(), window = limits.window().toMillis();
        return write((db, fx) -> {
            Failures c = count(db, CLIENT, client, at, window, false, limits.blockAt(), limits.blockFor().toMillis());
            Failures a = count(db, ACCOUNT, account, at, window, true, 0, 0);
            count(db, CLIENT_ACCOUNT, clientAccount(client, account), at, window, false, 0, 0);
            return counts(c, a);
        });
    }

    /**
     * Adds one failure to a record (a fresh one when it had none or it expired): its window starts
     * at the first failure, or at each one when {@code sliding}; from {@code blockAt} failures on
     * (0: never) each failure blocks for {@code blockFor}. The record expires when both the window
     * and the block are over.
     */
    private Failures count(SqlSession db, String scope, String subject, long now, long window, boolean sliding,
                           int blockAt, long blockFor) {
        db.update("INSERT INTO login_failure (scope, subject, failures, window_start, blocked_until, expires) "
                + "VALUES (?, ?, 0, ?, 0, 0) ON CONFLICT (scope, subject) DO NOTHING", scope, subject, now);
        Failures old = row(db, scope, subject, dialect.forUpdate).orElseThrow().live(now);
        int failures = old.failures() + 1;
        long windowStart = sliding || old.failures() == 0 ? now : old.windowStart();
        long blockedUntil = blockAt > 0 && failures >= blockAt ? now + blockFor : old.blockedUntil();
        Failures next = new Failures(failures, windowStart, blockedUntil, Math.max(windowStart + window, blockedUntil));
        db.update("UPDATE login_failure SET failures = ?, window_start = ?, blocked_until = ?, expires = ? "
                        + "WHERE scope = ? AND subject = ?", next.failures(), next.windowStart(), next.blockedUntil(),
                next.expires(), scope, subject);
        return next;
    }

    @Override
    public void forgetLoginFailures(String client, String account, Instant now) {
        long at = now.toEpochMilli();
        String pair = clientAccount(client, account);
        if (reads.read(db -> row(db, CLIENT_ACCOUNT, pair, "")).isEmpty()) return; // the usual success: nothing to write
        write((db, fx) -> {
            Optional<Failures> cleared = row(db, CLIENT_ACCOUNT, pair, dialect.forUpdate);
            if (cleared.isEmpty()) return null; // another node's success got there first
            db.update("DELETE FROM login_failure WHERE scope = ? AND subject = ?", CLIENT_ACCOUNT, pair);
            int n = cleared.get().live(at).failures();
            if (n > 0) {
                db.update("UPDATE login_failure SET failures = CASE WHEN failures > ? THEN failures - ? ELSE 0 END "
                        + "WHERE scope = ? AND subject = ? AND expires > ?", n, n, CLIENT, client, at);
            }
            // a client with nothing left against it has no record, unless it is blocked
            db.update("DELETE FROM login_failure WHERE scope = ? AND subject = ? AND failures = 0 AND blocked_until <= ?",
                    CLIENT, client, at);
            return null;
        });
    }

    private static String clientAccount(String client, String account) {
        return client + " " + account;
    }

    @Override
    public int pruneExpired(Instant now) {
        return write((db, fx) -> prune(db, now.toEpochMilli()));
    }

    /** Keeps both tables to what is live: run once a minute by the change feed, on every node. */
    static int prune(SqlSession db, long now) {
        return db.update("DELETE FROM coordination_lock WHERE expires <= ?", now)
                + db.update("DELETE FROM login_failure WHERE expires <= ?", now);
    }
}
