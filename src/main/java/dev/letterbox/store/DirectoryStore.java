package dev.letterbox.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Domains, accounts and aliases. Each method is its own transaction. Addresses and domain names are
 * given and returned lower-case; validation of their syntax is the caller's (the auth package's) job,
 * uniqueness and referential rules are the store's.
 */
public interface DirectoryStore {
    Domain addDomain(String name);

    List<Domain> domains();

    Optional<Domain> domain(String name);

    /** Removes a domain; refused ({@link MailboxException.Reason#NOT_ALLOWED}) while it has accounts. */
    void removeDomain(String name);

    /** Creates the account with INBOX, Sent, Drafts, Trash, Junk and Archive (special-use set). */
    Account addAccount(String address, String passwordHash, long quotaBytes, Set<Protocol> protocols);

    Optional<Account> account(String address);

    Optional<Account> account(long id);

    /**
     * The domain and the account of {@code address} in one read: what routing a recipient asks of
     * every address, a database round trip each on a networked store.
     */
    AddressLookup lookup(String address);

    /** All accounts, or those of one domain, ordered by address. */
    List<Account> accounts(Optional<String> domain);

    Optional<String> passwordHash(long accountId);

    void setPasswordHash(long accountId, String passwordHash);

    void setEnabled(long accountId, boolean enabled);

    void setQuota(long accountId, long quotaBytes);

    /** The most messages the account may hold, 0 = unlimited (IMAP QUOTA=RES-MESSAGE). */
    void setMessageQuota(long accountId, long messages);

    void setProtocols(long accountId, Set<Protocol> protocols);

    /**
     * Forwards all mail of the account to {@code target}, replacing any earlier forwarding;
     * {@code keepCopy}: also store it in the account. {@link MailboxException.Reason#NOT_FOUND} for no such account.
     */
    void setForwarding(long accountId, String target, boolean keepCopy);

    /** Stops forwarding the account's mail; {@link MailboxException.Reason#NOT_FOUND} when it did not forward. */
    void removeForwarding(long accountId);

    Optional<AccountForwarding> forwarding(long accountId);

    /** The accounts that forward, or those of one domain, ordered by address. */
    List<AccountForwarding> forwardings(Optional<String> domain);

    /** Removes the account, its mailboxes and messages, its forwarding (blobs are freed when unreferenced). */
    void removeAccount(long accountId);

    // ---------------------------------------------------------------- credentials

    /** The account's SCRAM salt and keys; empty while it has no salt yet. */
    Optional<AccountScram> scram(long accountId);

    /**
     * Gives the account {@code salt} and {@code iterations} unless it has a salt already; returns
     * the salt in effect (another's, when two callers raced). {@link MailboxException.Reason#NOT_FOUND}
     * for no such account.
     */
    AccountScram ensureScramSalt(long accountId, byte[] salt, int iterations);

    /** Sets the password hash and its SCRAM keys (under the account's salt) together; announced. */
    void setPassword(long accountId, String passwordHash, ScramKeys keys);

    /**
     * Stores SCRAM keys derived at a password login, only while the password hash is still
     * {@code ofHash} (a password changed meanwhile keeps its own keys). Not announced: nothing a
     * session relies on changed.
     */
    void addPasswordScramKeys(long accountId, String ofHash, ScramKeys keys);

    /** Whether the mail protocols accept only app passwords for the account; announced. */
    void setRequireAppPasswords(long accountId, boolean required);

    /** Adds an app password; {@link MailboxException.Reason#DUPLICATE} when the account has one by that name. */
    AppPassword addAppPassword(long accountId, String name, Set<LoginProtocol> protocols, String secretHash, ScramKeys keys);

    /** The account's app passwords, by name. */
    List<AppPassword> appPasswords(long accountId);

    /**
     * Revokes an app password; announced as an account change, so sessions that logged in with it
     * (on any node) end. {@link MailboxException.Reason#NOT_FOUND} when there is none by that name.
     */
    void removeAppPassword(long accountId, String name);

    /** Records a successful login with the app password {@code id}. Not announced. */
    void appPasswordUsed(long id, java.time.Instant when, String ip);

    /** Adds {@code target} to the alias {@code address} (created on first target). */
    void addAlias(String address, String target);

    /** Removes one target, or the whole alias when {@code target} is empty. */
    void removeAlias(String address, Optional<String> target);

    /** Aliases, or those of one domain, ordered by address. */
    List<Alias> aliases(Optional<String> domain);

    /** The alias exactly as stored for {@code address} (a full address or "@domain"). */
    Optional<Alias> alias(String address);
}
