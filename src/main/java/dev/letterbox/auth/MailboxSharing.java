package dev.letterbox.auth;

import dev.letterbox.store.Account;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxGrants;
import dev.letterbox.store.Rights;
import java.util.List;

/**
 * Shared mailboxes as the operator manages them (the CLI and the admin API): one account lets
 * another use one of its folders with RFC 4314 rights, the same grants IMAP's SETACL makes, or
 * send mail as it (its addresses as the envelope sender on submission).
 * Refusals are {@link DirectoryException}s naming what is wrong.
 */
public final class MailboxSharing {
    private final MailStore store;
    private final Directory directory;

    public MailboxSharing(MailStore store, Directory directory) {
        this.store = store;
        this.directory = directory;
    }

    /**
     * Gives {@code grantee} (an account, or a group: "anyone", "authenticated", "$example.com")
     * exactly {@code rights} (letters of {@value Rights#LETTERS}) on the owner's
     * folder; empty rights take the grant away. Returns the rights as stored.
     */
    public Rights share(String owner, String folder, String grantee, String rights) {
        Account o = directory.requireAccount(owner);
        String group = grantee.toLowerCase(java.util.Locale.ROOT);
        Account g = MailboxGrants.isGroup(group) ? null : directory.requireAccount(grantee);
        if (g != null && o.id() == g.id()) throw new DirectoryException("the owner always has every right on its own folders");
        if (g == null && group.startsWith("$") && store.directory().domain(group.substring(1)).isEmpty()) {
            throw new DirectoryException(DirectoryException.Kind.NOT_FOUND, "no domain " + group.substring(1));
        }
        Rights parsed = Rights.parse(rights).orElseThrow(() -> new DirectoryException(
                "unknown right in '" + rights + "': rights are letters of " + Rights.LETTERS));
        Mailbox m = store.read(o.id(), tx -> tx.mailbox(folder)).orElseThrow(() -> new DirectoryException(
                DirectoryException.Kind.NOT_FOUND, o.address() + " has no folder " + folder));
        try {
            if (g == null) store.grants().setGroup(o.id(), m.id(), group, parsed);
            else store.grants().set(o.id(), m.id(), g.id(), parsed);
        } catch (MailboxException e) { // the folder or an account went away meanwhile
            throw new DirectoryException(DirectoryException.Kind.NOT_FOUND, e.getMessage());
        }
        return parsed;
    }

    /** "Send as": lets {@code grantee} submit mail with the owner's addresses as the envelope sender, or no longer. */
    public void sendAs(String owner, String grantee, boolean allowed) {
        Account o = directory.requireAccount(owner);
        Account g = directory.requireAccount(grantee);
        if (o.id() == g.id()) throw new DirectoryException("an account always sends as itself");
        try {
            store.grants().setSendAs(o.id(), g.id(), allowed);
        } catch (MailboxException e) {
            throw new DirectoryException(DirectoryException.Kind.NOT_FOUND, e.getMessage());
        }
    }

    /**
     * "Send on behalf": lets {@code grantee} put the owner's addresses in From: of mail it submits
     * under its own envelope sender (Sender: names the grantee), or no longer.
     */
    public void sendOnBehalf(String owner, String grantee, boolean allowed) {
        Account o = directory.requireAccount(owner);
        Account g = directory.requireAccount(grantee);
        if (o.id() == g.id()) throw new DirectoryException("an account always sends as itself");
        try {
            store.grants().setSendOnBehalf(o.id(), g.id(), allowed);
        } catch (MailboxException e) {
            throw new DirectoryException(DirectoryException.Kind.NOT_FOUND, e.getMessage());
        }
    }

    /** The addresses of the accounts that may send on behalf of the owner. */
    public List<String> sendOnBehalfGrantees(String owner) {
        return store.grants().sendOnBehalfGrantees(directory.requireAccount(owner).id()).stream().map(Account::address).toList();
    }

    /** The addresses of the accounts that may send as the owner. */
    public List<String> sendAsGrantees(String owner) {
        return store.grants().sendAsGrantees(directory.requireAccount(owner).id()).stream().map(Account::address).toList();
    }

    /** The grants the owner has given, by folder and grantee. */
    public List<MailboxGrants.Grant> grantsBy(String owner) {
        return store.grants().grantsBy(directory.requireAccount(owner).id());
    }

    /** The folders shared with the grantee, by owner and folder. */
    public List<MailboxGrants.Shared> sharedWith(String grantee) {
        return store.grants().sharedWith(directory.requireAccount(grantee).id());
    }
}
