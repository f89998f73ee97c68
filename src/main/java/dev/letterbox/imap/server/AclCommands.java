package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.store.Account;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxGrants;
import dev.letterbox.store.Rights;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * The access control commands of RFC 4314 §3. Identifiers are account addresses or groups:
 * "anyone" (RFC 4314 §2), "authenticated" and "$example.com" (every account of the domain), as
 * Dovecot names them. The owner of a mailbox always has every right, so its own entry cannot be
 * changed; negative rights ("-bob@...") are not kept. Changing or reading a mailbox's list takes
 * the "a" right; MYRIGHTS any right that lets the session see the mailbox.
 */
final class AclCommands {
    private AclCommands() {}

    /** RFC 4314 §3.1: "+" adds to the identifier's rights, "-" takes away, else they are replaced. */
    static Done setAcl(ImapSession s, ImapCommand.SetAcl c) {
        String name = MailboxNames.normalize(c.mailbox());
        String letters = c.rights();
        char mode = letters.isEmpty() ? '=' : letters.charAt(0);
        if (mode == '+' || mode == '-') letters = letters.substring(1); else mode = '=';
        Optional<Rights> given = Rights.parse(letters);
        if (given.isEmpty()) return Done.bad("Unknown right in \"" + printable(letters) + "\" (rights are " + Rights.LETTERS + ")");
        MailboxAccess.Target t = MailboxAccess.require(s, name, 'a');
        Grantee grantee = grantee(s, t, c.identifier());
        if (grantee == null) return Done.no(ResponseCode.cannot(), "Rights can be given only to an account other than the owner");
        Rights now = grantee.rightsNow(s, t);
        Rights next = switch (mode) {
            case '+' -> now.plus(given.get());
            case '-' -> now.minus(given.get());
            default -> given.get();
        };
        grantee.set(s, t, next);
        return Done.ok("SETACL completed");
    }

    /** RFC 4314 §3.2. */
    static Done deleteAcl(ImapSession s, ImapCommand.DeleteAcl c) {
        MailboxAccess.Target t = MailboxAccess.require(s, MailboxNames.normalize(c.mailbox()), 'a');
        Grantee grantee = grantee(s, t, c.identifier());
        if (grantee == null) return Done.no(ResponseCode.cannot(), "The owner's rights cannot be removed");
        grantee.set(s, t, Rights.NONE);
        return Done.ok("DELETEACL completed");
    }

    /** RFC 4314 §3.3: the owner first, with every right, then each grantee. */
    static Done getAcl(ImapSession s, ImapCommand.GetAcl c) throws IOException {
        String name = MailboxNames.normalize(c.mailbox());
        MailboxAccess.Target t = MailboxAccess.require(s, name, 'a');
        Mailbox m = t.mailbox().get();
        s.out.star().atom("ACL").mailbox(name).string(t.owner()).atom(Rights.ALL.toString());
        for (MailboxGrants.Grant g : s.service.store.grants().grants(t.ownerId(), m.id())) {
            s.out.string(g.grantee()).atom(g.rights().toString());
        }
        s.out.end();
        return Done.ok("GETACL completed");
    }

    /**
     * RFC 4314 §3.4: the owner always has every right; anyone else may be given any of them, each on
     * its own (none is tied to another).
     */
    static Done listRights(ImapSession s, ImapCommand.ListRights c) throws IOException {
        String name = MailboxNames.normalize(c.mailbox());
        MailboxAccess.Target t = MailboxAccess.require(s, name, 'a');
        s.out.star().atom("LISTRIGHTS").mailbox(name).string(c.identifier());
        if (c.identifier().toLowerCase(Locale.ROOT).equals(t.owner())) {
            s.out.atom(Rights.ALL.toString());
        } else {
            s.out.string("");
            for (char r : Rights.LETTERS.toCharArray()) s.out.atom(String.valueOf(r));
        }
        s.out.end();
        return Done.ok("LISTRIGHTS completed");
    }

    /** RFC 4314 §3.5: any right at all lets the session ask what it has. */
    static Done myRights(ImapSession s, ImapCommand.MyRights c) throws IOException {
        String name = MailboxNames.normalize(c.mailbox());
        MailboxAccess.Target t = MailboxAccess.resolve(s, name);
        t.existing();
        s.out.star().atom("MYRIGHTS").mailbox(name).atom(t.rights().toString()).end(); // "l" or "r" at least
        return Done.ok("MYRIGHTS completed");
    }

    /** Whom an identifier names: one account, or a group ({@link MailboxGrants#isGroup}) when {@code account} is null. */
    private record Grantee(Account account, String group) {
        /** This identifier's own entry (not what an account has through its groups: "+"/"-" change the entry). */
        Rights rightsNow(ImapSession s, MailboxAccess.Target t) {
            return s.service.store.grants().grants(t.ownerId(), t.mailbox().get().id()).stream()
                    .filter(g -> account != null ? g.granteeId() == account.id() : g.granteeId() == 0 && g.grantee().equals(group))
                    .map(MailboxGrants.Grant::rights).findFirst().orElse(Rights.NONE);
        }

        void set(ImapSession s, MailboxAccess.Target t, Rights rights) {
            long mailboxId = t.mailbox().get().id();
            if (account != null) s.service.store.grants().set(t.ownerId(), mailboxId, account.id(), rights);
            else s.service.store.grants().setGroup(t.ownerId(), mailboxId, group, rights);
        }
    }

    /**
     * Whom an identifier names; null for the owner. Unknown accounts and domains: NONEXISTENT;
     * negative rights (RFC 4314 §2, an identifier starting with "-"): CANNOT.
     */
    private static Grantee grantee(ImapSession s, MailboxAccess.Target t, String identifier) {
        String id = identifier.toLowerCase(Locale.ROOT);
        if (id.startsWith("-")) throw new MailboxException(MailboxException.Reason.NOT_ALLOWED, "Negative rights are not supported");
        if (id.equals(t.owner())) return null;
        if (MailboxGrants.isGroup(id)) {
            if (id.startsWith("$") && s.service.store.directory().domain(id.substring(1)).isEmpty()) {
                throw new MailboxException(MailboxException.Reason.NOT_FOUND, "No such domain: " + printable(id.substring(1)));
            }
            return new Grantee(null, id);
        }
        Account account = s.service.store.directory().account(id).orElseThrow(() -> new MailboxException(
                MailboxException.Reason.NOT_FOUND, "No such user: " + printable(identifier)));
        return new Grantee(account, null);
    }

    private static String printable(String text) {
        return SessionCommands.printable(text);
    }
}
