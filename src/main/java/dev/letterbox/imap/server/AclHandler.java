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
final class AclHandler {
    private AclHandler() {}

    /** RFC 4314 §3.1: "+" adds to the identifier's rights, "-" takes away, else they are replaced. */
    static Done setAcl(CommandContext ctx, ImapCommand.SetAcl c) {
        String name = MailboxNames.normalize(c.mailbox());
        String letters = c.rights();
        char mode = letters.isEmpty() ? '=' : letters.charAt(0);
        if (mode == '+' || mode == '-') letters = letters.substring(1); else mode = '=';
        Optional<Rights> given = Rights.parse(letters);
        if (given.isEmpty()) return Done.bad("Unknown right in \"" + printable(letters) + "\" (rights are " + Rights.LETTERS + ")");
        MailboxAccess.Target t = MailboxAccess.require(ctx, name, 'a');
        Grantee grantee = grantee(ctx, t, c.identifier());
        if (grantee == null) return Done.no(ResponseCode.cannot(), "Rights can be given only to an account other than the owner");
        Rights now = grantee.rightsNow(ctx, t);
        Rights next = switch (mode) {
            case '+' -> now.plus(given.get());
            case '-' -> now.minus(given.get());
            default -> given.get();
        };
        grantee.set(ctx, t, next);
        return Done.ok("SETACL completed");
    }

    /** RFC 4314 §3.2. */
    static Done deleteAcl(CommandContext ctx, ImapCommand.DeleteAcl c) {
        MailboxAccess.Target t = MailboxAccess.require(ctx, MailboxNames.normalize(c.mailbox()), 'a');
        Grantee grantee = grantee(ctx, t, c.identifier());
        if (grantee == null) return Done.no(ResponseCode.cannot(), "The owner's rights cannot be removed");
        grantee.set(ctx, t, Rights.NONE);
        return Done.ok("DELETEACL completed");
    }

    /** RFC 4314 §3.3: the owner first, with every right, then each grantee. */
    static Done getAcl(CommandContext ctx, ImapCommand.GetAcl c) throws IOException {
        String name = MailboxNames.normalize(c.mailbox());
        MailboxAccess.Target t = MailboxAccess.require(ctx, name, 'a');
        Mailbox m = t.mailbox().get();
        ctx.out.star().atom("ACL").mailbox(name).string(t.owner()).atom(Rights.ALL.toString());
        for (MailboxGrants.Grant g : ctx.grants().grants(t.ownerId(), m.id())) {
            ctx.out.string(g.grantee()).atom(g.rights().toString());
        }
        ctx.out.end();
        return Done.ok("GETACL completed");
    }

    /**
     * RFC 4314 §3.4: the owner always has every right; anyone else may be given any of them, each on
     * its own (none is tied to another).
     */
    static Done listRights(CommandContext ctx, ImapCommand.ListRights c) throws IOException {
        String name = MailboxNames.normalize(c.mailbox());
        MailboxAccess.Target t = MailboxAccess.require(ctx, name, 'a');
        ctx.out.star().atom("LISTRIGHTS").mailbox(name).string(c.identifier());
        if (c.identifier().toLowerCase(Locale.ROOT).equals(t.owner())) {
            ctx.out.atom(Rights.ALL.toString());
        } else {
            ctx.out.string("");
            for (char r : Rights.LETTERS.toCharArray()) ctx.out.atom(String.valueOf(r));
        }
        ctx.out.end();
        return Done.ok("LISTRIGHTS completed");
    }

    /** RFC 4314 §3.5: any right at all lets the session ask what it has. */
    static Done myRights(CommandContext ctx, ImapCommand.MyRights c) throws IOException {
        String name = MailboxNames.normalize(c.mailbox());
        MailboxAccess.Target t = MailboxAccess.resolve(ctx, name);
        t.existing();
        ctx.out.star().atom("MYRIGHTS").mailbox(name).atom(t.rights().toString()).end(); // "l" or "r" at least
        return Done.ok("MYRIGHTS completed");
    }

    /** Whom an identifier names: one account, or a group ({@link MailboxGrants#isGroup}) when {@code account} is null. */
    private record Grantee(Account account, String group) {
        /** This identifier's own entry (not what an account has through its groups: "+"/"-" change the entry). */
        Rights rightsNow(CommandContext ctx, MailboxAccess.Target t) {
            return ctx.grants().grants(t.ownerId(), t.mailbox().get().id()).stream()
                    .filter(g -> account != null ? g.granteeId() == account.id() : g.granteeId() == 0 && g.grantee().equals(group))
                    .map(MailboxGrants.Grant::rights).findFirst().orElse(Rights.NONE);
        }

        void set(CommandContext ctx, MailboxAccess.Target t, Rights rights) {
            long mailboxId = t.mailbox().get().id();
            if (account != null) ctx.grants().set(t.ownerId(), mailboxId, account.id(), rights);
            else ctx.grants().setGroup(t.ownerId(), mailboxId, group, rights);
        }
    }

    /**
     * Whom an identifier names; null for the owner. Unknown accounts and domains: NONEXISTENT;
     * negative rights (RFC 4314 §2, an identifier starting with "-"): CANNOT.
     */
    private static Grantee grantee(CommandContext ctx, MailboxAccess.Target t, String identifier) {
        String id = identifier.toLowerCase(Locale.ROOT);
        if (id.startsWith("-")) throw new MailboxException(MailboxException.Reason.NOT_ALLOWED, "Negative rights are not supported");
        if (id.equals(t.owner())) return null;
        if (MailboxGrants.isGroup(id)) {
            if (id.startsWith("$") && ctx.directory().domain(id.substring(1)).isEmpty()) {
                throw new MailboxException(MailboxException.Reason.NOT_FOUND, "No such domain: " + printable(id.substring(1)));
            }
            return new Grantee(null, id);
        }
        Account account = ctx.directory().account(id).orElseThrow(() -> new MailboxException(
                MailboxException.Reason.NOT_FOUND, "No such user: " + printable(identifier)));
        return new Grantee(account, null);
    }

    private static String printable(String text) {
        return SessionHandler.printable(text);
    }
}
