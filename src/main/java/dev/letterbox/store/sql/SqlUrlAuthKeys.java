package dev.letterbox.store.sql;

import dev.letterbox.store.UrlAuthKeys;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * URLAUTH keys in the {@code urlauth_key} table. A key is made with INSERT ... ON CONFLICT DO
 * NOTHING and read back in the same unit, so two sessions (or nodes) asking at once agree on one.
 */
final class SqlUrlAuthKeys implements UrlAuthKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReadPool reads;
    private final GroupCommitWriter writer;

    SqlUrlAuthKeys(ReadPool reads, GroupCommitWriter writer) {
        this.reads = reads;
        this.writer = writer;
    }

    @Override
    public byte[] keyFor(long accountId, long mailboxId) {
        Optional<byte[]> existing = key(accountId, mailboxId);
        if (existing.isPresent()) return existing.get();
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        String hex = GroupCommitWriter.await(writer.submit((db, fx) -> {
            db.update("INSERT INTO urlauth_key (account_id, mailbox_id, secret, created) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (account_id, mailbox_id) DO NOTHING",
                    accountId, mailboxId, HexFormat.of().formatHex(fresh), System.currentTimeMillis());
            return db.first("SELECT secret FROM urlauth_key WHERE account_id = ? AND mailbox_id = ?",
                    rs -> rs.getString(1), accountId, mailboxId).orElseThrow();
        }));
        return HexFormat.of().parseHex(hex);
    }

    @Override
    public Optional<byte[]> key(long accountId, long mailboxId) {
        return reads.read(db -> db.first("SELECT secret FROM urlauth_key WHERE account_id = ? AND mailbox_id = ?",
                rs -> rs.getString(1), accountId, mailboxId)).map(HexFormat.of()::parseHex);
    }

    @Override
    public void reset(long accountId, OptionalLong mailboxId) {
        GroupCommitWriter.await(writer.submit((db, fx) -> mailboxId.isPresent()
                ? db.update("DELETE FROM urlauth_key WHERE account_id = ? AND mailbox_id = ?", accountId, mailboxId.getAsLong())
                : db.update("DELETE FROM urlauth_key WHERE account_id = ?", accountId)));
    }
}
