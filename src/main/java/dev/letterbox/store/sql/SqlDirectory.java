package dev.letterbox.store.sql;

import dev.letterbox.store.Account;
import dev.letterbox.store.AccountScram;
import dev.letterbox.store.AppPassword;
import dev.letterbox.store.LoginProtocol;
import dev.letterbox.store.ScramKeys;
import dev.letterbox.store.AccountForwarding;
import dev.letterbox.store.AddressLookup;
import dev.letterbox.store.Alias;
import dev.letterbox.store.Change;
import dev.letterbox.store.DirectoryStore;
import dev.letterbox.store.Domain;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxGrants;
import dev.letterbox.store.MailboxException.Reason;
import dev.letterbox.store.Protocol;
import dev.letterbox.store.SpecialUse;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Domains, accounts and aliases. Nothing is cached: every lookup asks the database, so a change made
 * by the CLI in another process counts at once (these lookups are single-row index reads). Each
 * read is one statement, run without a transaction around it ({@link ReadPool#readOne}).
 * Changes go through the group-commit writer like any other write.
 */
final class SqlDirectory implements DirectoryStore {
    private static final String ACCOUNT_COLUMNS =
            "id, address, domain_id, quota_bytes, used_bytes, protocols, enabled, created, require_app_passwords, "
            + "quota_messages, used_messages";
    private static final String ACCOUNT_COLUMNS_OF_A = "a." + ACCOUNT_COLUMNS.replace(", ", ", a.");

    /** The mailboxes every new account starts with; all subscribed, so clients show them. */
    private static final Map<String, Optional<SpecialUse>> DEFAULT_MAILBOXES = defaultMailboxes();

    private final ReadPool reads;
    private final GroupCommitWriter writer;
    private final SqlCredentials credentials;

    SqlDirectory(ReadPool reads, GroupCommitWriter writer) {
        this.reads = reads;
        this.writer = writer;
        this.credentials = new SqlCredentials(reads, writer);
    }

    private static Map<String, Optional<SpecialUse>> defaultMailboxes() {
        Map<String, Optional<SpecialUse>> m = new LinkedHashMap<>();
        m.put(Mailbox.INBOX, Optional.empty());
        m.put("Sent", Optional.of(SpecialUse.SENT));
        m.put("Drafts", Optional.of(SpecialUse.DRAFTS));
        m.put("Trash", Optional.of(SpecialUse.TRASH));
        m.put("Junk", Optional.of(SpecialUse.JUNK));
        m.put("Archive", Optional.of(SpecialUse.ARCHIVE));
        return m;
    }

    private <T> T write(GroupCommitWriter.Unit<T> unit) {
        return GroupCommitWriter.await(writer.submit(unit));
    }

    // --- domains

    private static Domain mapDomain(ResultSet rs) throws SQLException {
        return new Domain(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)));
    }

    private static Optional<Domain> domainByName(SqlSession db, String name) {
        return db.first("SELECT id, name, created FROM domain WHERE name = ?", SqlDirectory::mapDomain, lower(name));
    }

    @Override
    public Domain addDomain(String name) {
        String lower = lower(name);
        if (lower.isEmpty()) throw new IllegalArgumentException("empty domain name");
        return write((db, fx) -> {
            if (domainByName(db, lower).isPresent()) throw new MailboxException(Reason.DUPLICATE, "domain exists: " + lower);
            long now = System.currentTimeMillis();
            long id = db.insertReturningId("INSERT INTO domain (name, created) VALUES (?, ?) RETURNING id", lower, now);
            return new Domain(id, lower, Instant.ofEpochMilli(now));
        });
    }

    @Override
    public List<Domain> domains() {
        return reads.readOne(db -> db.list("SELECT id, name, created FROM domain ORDER BY name", SqlDirectory::mapDomain));
    }

    @Override
    public Optional<Domain> domain(String name) {
        return reads.readOne(db -> domainByName(db, name));
    }

    @Override
    public void removeDomain(String name) {
        write((db, fx) -> {
            Domain domain = domainByName(db, name).orElseThrow(() -> notFound("domain " + lower(name)));
            if (db.firstLong("SELECT 1 FROM account WHERE domain_id = ? LIMIT 1", domain.id()).isPresent()) {
                throw new MailboxException(Reason.NOT_ALLOWED, "domain " + domain.name() + " still has accounts");
            }
            db.update("DELETE FROM alias WHERE domain_id = ?", domain.id());
            // a domain made again later is not given what its namesake's users were granted
            db.update("DELETE FROM mailbox_group_grant WHERE identifier = ?", MailboxGrants.domainGroup(domain.name()));
            db.update("DELETE FROM domain WHERE id = ?", domain.id());
            return null;
        });
    }

    // --- accounts

    private static Account mapAccount(ResultSet rs) throws SQLException {
        return new Account(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                Protocol.parseList(rs.getString(6)), rs.getInt(7) != 0, Instant.ofEpochMilli(rs.getLong(8)), rs.getInt(9) != 0,
                rs.getLong(10), rs.getLong(11));
    }

    static Optional<Account> accountById(SqlSession db, long id) {
        return db.first("SELECT " + ACCOUNT_COLUMNS + " FROM account WHERE id = ?", SqlDirectory::mapAccount, id);
    }

    /** Adds to the account's usage without checking its quota (for what frees space, or moves it). */
    static void addUsage(SqlSession db, long accountId, long bytes, long messages) {
        if (bytes != 0 || messages != 0) {
            db.update("UPDATE account SET used_bytes = used_bytes + ?, used_messages = used_messages + ? WHERE id = ?",
                    bytes, messages, accountId);
        }
    }

    @Override
    public Account addAccount(String address, String passwordHash, long quotaBytes, Set<Protocol> protocols) {
        String lower = lower(address);
        String domainName = domainOf(lower);
        if (quotaBytes < 0) throw new IllegalArgumentException("negative quota");
        return write((db, fx) -> {
            Domain domain = domainByName(db, domainName)
                    .orElseThrow(() -> notFound("domain " + domainName + " is not hosted here"));
            if (db.firstLong("SELECT 1 FROM account WHERE address = ?", lower).isPresent()) {
                throw new MailboxException(Reason.DUPLICATE, "account exists: " + lower);
            }
            long now = System.currentTimeMillis();
            long id = db.insertReturningId("INSERT INTO account (address, domain_id, password_hash, quota_bytes, "
                            + "used_bytes, protocols, enabled, created) VALUES (?, ?, ?, ?, 0, ?, 1, ?) RETURNING id",
                    lower, domain.id(), passwordHash, quotaBytes, Protocol.formatList(protocols), now);
            for (var m : DEFAULT_MAILBOXES.entrySet()) {
                MailboxQueries.insert(db, id, m.getKey(), m.getValue());
                MailboxQueries.subscribe(db, id, m.getKey());
            }
            fx.changed(new Change.AccountChanged(id));
            return accountById(db, id).orElseThrow();
        });
    }

    @Override
    public Optional<Account> account(String address) {
        return reads.readOne(db -> db.first("SELECT " + ACCOUNT_COLUMNS + " FROM account WHERE address = ?",
                SqlDirectory::mapAccount, lower(address)));
    }

    @Override
    public AddressLookup lookup(String address) {
        String lower = lower(address);
        int at = lower.lastIndexOf('@');
        if (at < 0) return AddressLookup.NOT_HOSTED;
        // a domain row without an account: hosted, nobody by that address
        return reads.readOne(db -> db.first("SELECT " + ACCOUNT_COLUMNS_OF_A + " FROM domain d "
                        + "LEFT JOIN account a ON a.address = ? AND a.domain_id = d.id WHERE d.name = ?",
                rs -> {
                    rs.getLong(1);
                    return new AddressLookup(true, rs.wasNull() ? Optional.empty() : Optional.of(mapAccount(rs)));
                }, lower, lower.substring(at + 1)))
                .orElse(AddressLookup.NOT_HOSTED);
    }

    @Override
    public Optional<Account> account(long id) {
        return reads.readOne(db -> accountById(db, id));
    }

    @Override
    public List<Account> accounts(Optional<String> domain) {
        return reads.readOne(db -> domain.isEmpty()
                ? db.list("SELECT " + ACCOUNT_COLUMNS + " FROM account ORDER BY address", SqlDirectory::mapAccount)
                : db.list("SELECT " + ACCOUNT_COLUMNS + " FROM account WHERE domain_id = "
                        + "(SELECT id FROM domain WHERE name = ?) ORDER BY address", SqlDirectory::mapAccount,
                        lower(domain.get())));
    }

    @Override
    public Optional<String> passwordHash(long accountId) {
        return reads.readOne(db -> db.first("SELECT password_hash FROM account WHERE id = ?", rs -> rs.getString(1), accountId));
    }

    @Override
    public void setPasswordHash(long accountId, String passwordHash) {
        // keys derived from the old password must not outlive it
        updateAccount(accountId, "UPDATE account SET password_hash = ?, scram_stored_key = NULL, scram_server_key = NULL "
                + "WHERE id = ?", passwordHash);
    }

    @Override
    public void setEnabled(long accountId, boolean enabled) {
        updateAccount(accountId, "UPDATE account SET enabled = ? WHERE id = ?", enabled ? 1 : 0);
    }

    @Override
    public void setQuota(long accountId, long quotaBytes) {
        if (quotaBytes < 0) throw new IllegalArgumentException("negative quota");
        updateAccount(accountId, "UPDATE account SET quota_bytes = ? WHERE id = ?", quotaBytes);
    }

    @Override
    public void setMessageQuota(long accountId, long messages) {
        if (messages < 0) throw new IllegalArgumentException("negative quota");
        updateAccount(accountId, "UPDATE account SET quota_messages = ? WHERE id = ?", messages);
    }

    @Override
    public void setProtocols(long accountId, Set<Protocol> protocols) {
        updateAccount(accountId, "UPDATE account SET protocols = ? WHERE id = ?", Protocol.formatList(protocols));
    }

    private void updateAccount(long accountId, String sql, Object value) {
        write((db, fx) -> {
            if (db.update(sql, value, accountId) == 0) throw notFound("no such account");
            fx.changed(new Change.AccountChanged(accountId));
            return null;
        });
    }

    @Override
    public void removeAccount(long accountId) {
        write((db, fx) -> {
            if (accountById(db, accountId).isEmpty()) throw notFound("no such account");
            for (long mailboxId : db.longs("SELECT id FROM mailbox WHERE account_id = ?", accountId)) {
                for (String blob : MessageQueries.blobs(db, mailboxId)) fx.released(blob);
                MessageQueries.deleteAll(db, mailboxId);
                fx.changed(new Change.MailboxContent(accountId, mailboxId));
            }
            db.update("DELETE FROM mailbox_grant WHERE grantee_id = ? OR mailbox_id IN (SELECT id FROM mailbox WHERE account_id = ?)",
                    accountId, accountId);
            db.update("DELETE FROM mailbox_group_grant WHERE mailbox_id IN (SELECT id FROM mailbox WHERE account_id = ?)", accountId);
            db.update("DELETE FROM send_grant WHERE owner_id = ? OR grantee_id = ?", accountId, accountId);
            db.update("DELETE FROM send_behalf_grant WHERE owner_id = ? OR grantee_id = ?", accountId, accountId);
            db.update("DELETE FROM private_seen WHERE account_id = ? OR mailbox_id IN (SELECT id FROM mailbox WHERE account_id = ?)",
                    accountId, accountId);
            db.update("DELETE FROM mailbox WHERE account_id = ?", accountId);
            db.update("DELETE FROM subscription WHERE account_id = ?", accountId);
            db.update("DELETE FROM sieve_script WHERE account_id = ?", accountId);
            db.update("DELETE FROM metadata_entry WHERE account_id = ?", accountId);
            db.update("DELETE FROM account_forward WHERE account_id = ?", accountId);
            db.update("DELETE FROM urlauth_key WHERE account_id = ?", accountId);
            SqlCredentials.deleteAll(db, accountId);
            db.update("DELETE FROM account WHERE id = ?", accountId);
            fx.changed(new Change.AccountChanged(accountId));
            fx.changed(new Change.SieveScripts(accountId));
            return null;
        });
    }

    // --- credentials (SqlCredentials)

    @Override
    public Optional<AccountScram> scram(long accountId) {
        return credentials.scram(accountId);
    }

    @Override
    public AccountScram ensureScramSalt(long accountId, byte[] salt, int iterations) {
        return credentials.ensureScramSalt(accountId, salt, iterations);
    }

    @Override
    public void setPassword(long accountId, String passwordHash, ScramKeys keys) {
        credentials.setPassword(accountId, passwordHash, keys);
    }

    @Override
    public void addPasswordScramKeys(long accountId, String ofHash, ScramKeys keys) {
        credentials.addPasswordScramKeys(accountId, ofHash, keys);
    }

    @Override
    public void setRequireAppPasswords(long accountId, boolean required) {
        credentials.setRequireAppPasswords(accountId, required);
    }

    @Override
    public AppPassword addAppPassword(long accountId, String name, Set<LoginProtocol> protocols, String secretHash,
                                      ScramKeys keys) {
        return credentials.addAppPassword(accountId, name, protocols, secretHash, keys);
    }

    @Override
    public List<AppPassword> appPasswords(long accountId) {
        return credentials.appPasswords(accountId);
    }

    @Override
    public void removeAppPassword(long accountId, String name) {
        credentials.removeAppPassword(accountId, name);
    }

    @Override
    public void appPasswordUsed(long id, Instant when, String ip) {
        credentials.appPasswordUsed(id, when, ip);
    }

    // --- forwarding

    @Override
    public void setForwarding(long accountId, String target, boolean keepCopy) {
        if (target == null || target.isBlank()) throw new IllegalArgumentException("empty forwarding target");
        write((db, fx) -> {
            if (accountById(db, accountId).isEmpty()) throw notFound("no such account");
            db.update("DELETE FROM account_forward WHERE account_id = ?", accountId);
            db.update("INSERT INTO account_forward (account_id, target, keep_copy, created) VALUES (?, ?, ?, ?)",
                    accountId, target.strip(), keepCopy ? 1 : 0, System.currentTimeMillis());
            return null;
        });
    }

    @Override
    public void removeForwarding(long accountId) {
        write((db, fx) -> {
            if (db.update("DELETE FROM account_forward WHERE account_id = ?", accountId) == 0) {
                throw notFound("the account does not forward its mail");
            }
            return null;
        });
    }

    private static final String FORWARD_COLUMNS = "SELECT a.address, f.target, f.keep_copy FROM account_forward f "
            + "JOIN account a ON a.id = f.account_id";

    private static AccountForwarding mapForwarding(ResultSet rs) throws SQLException {
        return new AccountForwarding(rs.getString(1), rs.getString(2), rs.getInt(3) != 0);
    }

    @Override
    public Optional<AccountForwarding> forwarding(long accountId) {
        return reads.read(db -> db.first(FORWARD_COLUMNS + " WHERE f.account_id = ?", SqlDirectory::mapForwarding, accountId));
    }

    @Override
    public List<AccountForwarding> forwardings(Optional<String> domain) {
        return reads.read(db -> domain.isEmpty()
                ? db.list(FORWARD_COLUMNS + " ORDER BY a.address", SqlDirectory::mapForwarding)
                : db.list(FORWARD_COLUMNS + " WHERE a.domain_id = (SELECT id FROM domain WHERE name = ?) ORDER BY a.address",
                        SqlDirectory::mapForwarding, lower(domain.get())));
    }

    // --- aliases

    @Override
    public void addAlias(String address, String target) {
        String lower = lower(address);
        String domainName = lower.startsWith("@") ? lower.substring(1) : domainOf(lower);
        if (target == null || target.isBlank()) throw new IllegalArgumentException("empty alias target");
        write((db, fx) -> {
            Domain domain = domainByName(db, domainName)
                    .orElseThrow(() -> notFound("domain " + domainName + " is not hosted here"));
            if (db.firstLong("SELECT 1 FROM alias WHERE address = ? AND target = ?", lower, target).isPresent()) {
                throw new MailboxException(Reason.DUPLICATE, "alias " + lower + " already has target " + target);
            }
            db.update("INSERT INTO alias (address, target, domain_id) VALUES (?, ?, ?)", lower, target, domain.id());
            return null;
        });
    }

    @Override
    public void removeAlias(String address, Optional<String> target) {
        String lower = lower(address);
        write((db, fx) -> {
            int removed = target.isPresent()
                    ? db.update("DELETE FROM alias WHERE address = ? AND target = ?", lower, target.get())
                    : db.update("DELETE FROM alias WHERE address = ?", lower);
            if (removed == 0) throw notFound("no such alias");
            return null;
        });
    }

    @Override
    public List<Alias> aliases(Optional<String> domain) {
        List<String[]> rows = reads.readOne(db -> domain.isEmpty()
                ? db.list("SELECT address, target FROM alias ORDER BY address, target",
                        rs -> new String[] {rs.getString(1), rs.getString(2)})
                : db.list("SELECT address, target FROM alias WHERE domain_id = (SELECT id FROM domain WHERE name = ?) "
                        + "ORDER BY address, target", rs -> new String[] {rs.getString(1), rs.getString(2)},
                        lower(domain.get())));
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (String[] row : rows) grouped.computeIfAbsent(row[0], a -> new ArrayList<>()).add(row[1]);
        List<Alias> out = new ArrayList<>();
        grouped.forEach((address, targets) -> out.add(new Alias(address, List.copyOf(targets))));
        return out;
    }

    @Override
    public Optional<Alias> alias(String address) {
        String lower = lower(address);
        List<String> targets = reads.readOne(db -> db.list("SELECT target FROM alias WHERE address = ? ORDER BY target",
                rs -> rs.getString(1), lower));
        return targets.isEmpty() ? Optional.empty() : Optional.of(new Alias(lower, List.copyOf(targets)));
    }

    // --- helpers

    private static String lower(String s) {
        return s.strip().toLowerCase(Locale.ROOT);
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) throw new IllegalArgumentException("not an address: " + address);
        return address.substring(at + 1);
    }

    private static MailboxException notFound(String message) {
        return new MailboxException(Reason.NOT_FOUND, message);
    }
}
