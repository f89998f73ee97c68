package dev.letterbox.store;

import java.util.List;
import java.util.Optional;

/**
 * Each account's Sieve scripts (RFC 5228), as ManageSieve (RFC 5804) manages them: any number of
 * named scripts, at most one of them active (the one that runs at delivery). Obtained from
 * {@link MailStore#sieveScripts()}.
 *
 * <p>Names are case-sensitive and compared exactly; checking their syntax and the script's is the
 * caller's job, as is the size limit. Every method is one transaction; a change is durable before
 * the method returns and announced as {@link Change.SieveScripts} on the {@link ChangeBus}, so a
 * cache of compiled scripts can drop the account's entry. Refusals are {@link MailboxException}s:
 * {@link MailboxException.Reason#NONEXISTENT} for a script that is not there,
 * {@link MailboxException.Reason#ALREADY_EXISTS} for a name that is taken,
 * {@link MailboxException.Reason#NOT_ALLOWED} for deleting the active script,
 * {@link MailboxException.Reason#LIMIT} for one script too many, and
 * {@link MailboxException.Reason#NOT_FOUND} for an account that does not exist.
 */
public interface SieveScripts {
    /** A script as listed: its name and whether it is the active one. */
    record Listed(String name, boolean active) {}

    /** A whole script. */
    record Script(String name, String content, boolean active) {}

    /** The account's scripts, ordered by name (by UTF-16 code units, the same on every backend). */
    List<Listed> list(long accountId);

    Optional<Script> get(long accountId, String name);

    /**
     * Stores {@code content} as script {@code name}: replaces it when it exists (an active script
     * stays active), else creates it, inactive, unless the account already has {@code maxScripts}
     * scripts (refused, {@code LIMIT}). Returns true when it created the script.
     */
    boolean put(long accountId, String name, String content, int maxScripts);

    /** Makes {@code name} the active script, or with an empty name none at all (RFC 5804 §2.8). */
    void setActive(long accountId, Optional<String> name);

    /** Renames a script; the active one stays active under its new name. */
    void rename(long accountId, String from, String to);

    /** Deletes a script; the active one is refused ({@code NOT_ALLOWED}, RFC 5804 §2.10). */
    void delete(long accountId, String name);

    /** The script that runs at delivery, if the account has one active. */
    Optional<Script> active(long accountId);
}
