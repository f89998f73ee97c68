package dev.letterbox.store.sql;

import dev.letterbox.store.AccountScram;
import dev.letterbox.store.AppPassword;
import dev.letterbox.store.Change;
import dev.letterbox.store.LoginProtocol;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxException.Reason;
import dev.letterbox.store.ScramKeys;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The credential half of {@link SqlDirectory}: an account's SCRAM salt and keys, the
 * require-app-passwords switch, and the {@code app_password} table. Binary values are stored as
 * base64 text. A change that must end sessions (a password, a revoked app password, the switch)
 * is announced as {@link Change.AccountChanged}, which reaches every node like any account change.
 */
final class SqlCredentials {
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final String APP_COLUMNS =
            "id, account_id, name, protocols, created, last_used, last_ip, secret_hash, scram_stored_key, scram_server_key";

    private final ReadPool reads;
    private final GroupCommitWriter writer;

    SqlCredentials(ReadPool reads, GroupCommitWriter writer) {
        this.reads = reads;
        this.writer = writer;
    }

    private <T> T write(GroupCommitWriter.Unit<T> unit) {
        return GroupCommitWriter.await(writer.submit(unit));
    }

    private static Optional<AccountScram> scramOf(SqlSession db, long accountId) {
        return db.first("SELECT scram_salt, scram_iterations, scram_stored_key, scram_server_key FROM account WHERE id = ?",
                rs -> {
                    String salt = rs.getString(1);
                    if (salt == null) return null;
                    String stored = rs.getString(3), server = rs.getString(4);
                    Optional<ScramKeys> keys = stored == null || server == null ? Optional.empty()
                            : Optional.of(new ScramKeys(B64D.decode(stored), B64D.decode(server)));
                    return new AccountScram(B64D.decode(salt), rs.getInt(2), keys);
                }, accountId);
    }

    Optional<AccountScram> scram(long accountId) {
        return reads.readOne(db -> scramOf(db, accountId));
    }

    AccountScram ensureScramSalt(long accountId, byte[] salt, int iterations) {
        return write((db, fx) -> {
            if (db.firstLong("SELECT 1 FROM account WHERE id = ?", accountId).isEmpty()) throw notFound("no such account");
            db.update("UPDATE account SET scram_salt = ?, scram_iterations = ? WHERE id = ? AND scram_salt IS NULL",
                    B64.encodeToString(salt), iterations, accountId);
            return scramOf(db, accountId).orElseThrow();
        });
    }

    void setPassword(long accountId, String passwordHash, ScramKeys keys) {
        write((db, fx) -> {
            if (db.update("UPDATE account SET password_hash = ?, scram_stored_key = ?, scram_server_key = ? WHERE id = ?",
                    passwordHash, B64.encodeToString(keys.storedKey()), B64.encodeToString(keys.serverKey()), accountId) == 0) {
                throw notFound("no such account");
            }
            fx.changed(new Change.AccountChanged(accountId));
            return null;
        });
    }

    void addPasswordScramKeys(long accountId, String ofHash, ScramKeys keys) {
        write((db, fx) -> db.update("UPDATE account SET scram_stored_key = ?, scram_server_key = ? "
                        + "WHERE id = ? AND password_hash = ? AND scram_salt IS NOT NULL",
                B64.encodeToString(keys.storedKey()), B64.encodeToString(keys.serverKey()), accountId, ofHash));
    }

    void setRequireAppPasswords(long accountId, boolean required) {
        write((db, fx) -> {
            if (db.update("UPDATE account SET require_app_passwords = ? WHERE id = ?", required ? 1 : 0, accountId) == 0) {
                throw notFound("no such account");
            }
            fx.changed(new Change.AccountChanged(accountId));
            return null;
        });
    }

    AppPassword addAppPassword(long accountId, String name, Set<LoginProtocol> protocols, String secretHash, ScramKeys keys) {
        return write((db, fx) -> {
            if (db.firstLong("SELECT 1 FROM account WHERE id = ?", accountId).isEmpty()) throw notFound("no such account");
            if (db.firstLong("SELECT 1 FROM app_password WHERE account_id = ? AND name = ?", accountId, name).isPresent()) {
                throw new MailboxException(Reason.DUPLICATE, "app password exists: " + name);
            }
            long now = System.currentTimeMillis();
            long id = db.insertReturningId("INSERT INTO app_password (account_id, name, protocols, secret_hash, "
                            + "scram_stored_key, scram_server_key, created) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    accountId, name, LoginProtocol.formatList(protocols), secretHash,
                    B64.encodeToString(keys.storedKey()), B64.encodeToString(keys.serverKey()), now);
            return db.first("SELECT " + APP_COLUMNS + " FROM app_password WHERE id = ?", SqlCredentials::mapApp, id).orElseThrow();
        });
    }

    List<AppPassword> appPasswords(long accountId) {
        return reads.readOne(db -> db.list("SELECT " + APP_COLUMNS + " FROM app_password WHERE account_id = ? ORDER BY name",
                SqlCredentials::mapApp, accountId));
    }

    void removeAppPassword(long accountId, String name) {
        write((db, fx) -> {
            if (db.update("DELETE FROM app_password WHERE account_id = ? AND name = ?", accountId, name) == 0) {
                throw notFound("no app password " + name);
            }
            fx.changed(new Change.AccountChanged(accountId));
            return null;
        });
    }

    void appPasswordUsed(long id, Instant when, String ip) {
        write((db, fx) -> db.update("UPDATE app_password SET last_used = ?, last_ip = ? WHERE id = ?", when.toEpochMilli(), ip, id));
    }

    /** Part of removing an account, in its transaction. */
    static void deleteAll(SqlSession db, long accountId) {
        db.update("DELETE FROM app_password WHERE account_id = ?", accountId);
    }

    private static AppPassword mapApp(ResultSet rs) throws SQLException {
        long lastUsed = rs.getLong(6);
        Optional<Instant> used = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastUsed));
        return new AppPassword(rs.getLong(1), rs.getLong(2), rs.getString(3), LoginProtocol.parseList(rs.getString(4)),
                Instant.ofEpochMilli(rs.getLong(5)), used, Optional.ofNullable(rs.getString(7)), rs.getString(8),
                new ScramKeys(B64D.decode(rs.getString(9)), B64D.decode(rs.getString(10))));
    }

    private static MailboxException notFound(String message) {
        return new MailboxException(Reason.NOT_FOUND, message);
    }
}
