package dev.letterbox.store.sql;

import dev.letterbox.store.Change;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxException.Reason;
import dev.letterbox.store.SieveScripts;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Sieve scripts in the {@code sieve_script} table. Every change first locks the account's row
 * (a no-op on SQLite, whose single writer already runs them one after the other), so two nodes
 * uploading at once cannot together pass the script count or leave two scripts active; the
 * partial unique index on active scripts is the database's own guard of the latter.
 */
final class SqlSieveScripts implements SieveScripts {
    private final ReadPool reads;
    private final GroupCommitWriter writer;
    private final Dialect dialect;

    SqlSieveScripts(ReadPool reads, GroupCommitWriter writer, Dialect dialect) {
        this.reads = reads;
        this.writer = writer;
        this.dialect = dialect;
    }

    /** Runs {@code change} on the account's scripts with its row locked, and announces it. */
    private <T> T change(long accountId, GroupCommitWriter.Unit<T> change) {
        return GroupCommitWriter.await(writer.submit((db, fx) -> {
            if (db.firstLong("SELECT id FROM account WHERE id = ?" + dialect.forUpdate, accountId).isEmpty()) {
                throw new MailboxException(Reason.NOT_FOUND, "no such account");
            }
            T result = change.run(db, fx);
            fx.changed(new Change.SieveScripts(accountId));
            return result;
        }));
    }

    @Override
    public List<Listed> list(long accountId) {
        List<Listed> scripts = reads.read(db -> db.list("SELECT name, active FROM sieve_script WHERE account_id = ?",
                rs -> new Listed(rs.getString(1), rs.getInt(2) != 0), accountId));
        // sorted here, not by ORDER BY: the two databases collate text differently
        return scripts.stream().sorted(Comparator.comparing(Listed::name)).toList();
    }

    @Override
    public Optional<Script> get(long accountId, String name) {
        return reads.read(db -> db.first("SELECT name, content, active FROM sieve_script WHERE account_id = ? AND name = ?",
                rs -> new Script(rs.getString(1), rs.getString(2), rs.getInt(3) != 0), accountId, name));
    }

    @Override
    public boolean put(long accountId, String name, String content, int maxScripts) {
        return change(accountId, (db, fx) -> {
            long now = System.currentTimeMillis();
            if (db.update("UPDATE sieve_script SET content = ?, updated = ? WHERE account_id = ? AND name = ?",
                    content, now, accountId, name) == 1) {
                return false;
            }
            long count = db.firstLong("SELECT count(*) FROM sieve_script WHERE account_id = ?", accountId).orElse(0);
            if (count >= maxScripts) {
                throw new MailboxException(Reason.LIMIT, "the account has " + count + " scripts, the most it may have");
            }
            db.update("INSERT INTO sieve_script (account_id, name, content, active, updated) VALUES (?, ?, ?, 0, ?)",
                    accountId, name, content, now);
            return true;
        });
    }

    @Override
    public void setActive(long accountId, Optional<String> name) {
        change(accountId, (db, fx) -> {
            if (name.isPresent() && !exists(db, accountId, name.get())) throw nonexistent(name.get());
            // off first: the unique index allows one active row at any moment, also inside the unit
            db.update("UPDATE sieve_script SET active = 0 WHERE account_id = ? AND active = 1", accountId);
            name.ifPresent(n -> db.update("UPDATE sieve_script SET active = 1 WHERE account_id = ? AND name = ?", accountId, n));
            return null;
        });
    }

    @Override
    public void rename(long accountId, String from, String to) {
        change(accountId, (db, fx) -> {
            if (!exists(db, accountId, from)) throw nonexistent(from);
            if (exists(db, accountId, to)) throw new MailboxException(Reason.ALREADY_EXISTS, "a script named " + to + " exists");
            db.update("UPDATE sieve_script SET name = ?, updated = ? WHERE account_id = ? AND name = ?",
                    to, System.currentTimeMillis(), accountId, from);
            return null;
        });
    }

    @Override
    public void delete(long accountId, String name) {
        change(accountId, (db, fx) -> {
            Optional<Boolean> active = db.first("SELECT active FROM sieve_script WHERE account_id = ? AND name = ?",
                    rs -> rs.getInt(1) != 0, accountId, name);
            if (active.isEmpty()) throw nonexistent(name);
            if (active.get()) throw new MailboxException(Reason.NOT_ALLOWED, "the active script cannot be deleted");
            db.update("DELETE FROM sieve_script WHERE account_id = ? AND name = ?", accountId, name);
            return null;
        });
    }

    @Override
    public Optional<Script> active(long accountId) {
        return reads.read(db -> db.first("SELECT name, content, active FROM sieve_script WHERE account_id = ? AND active = 1",
                rs -> new Script(rs.getString(1), rs.getString(2), true), accountId));
    }

    private static boolean exists(SqlSession db, long accountId, String name) {
        return db.firstLong("SELECT 1 FROM sieve_script WHERE account_id = ? AND name = ?", accountId, name).isPresent();
    }

    private static MailboxException nonexistent(String name) {
        return new MailboxException(Reason.NONEXISTENT, "no script named " + name);
    }
}
