package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.store.Account;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxGrants;
import dev.letterbox.store.Rights;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * The access control commands of RFC 4314 §3. Identifiers are account addresses; the owner of a
 * mailbox always has every right, so its own entry cannot be changed. Changing or reading a
 * mailbox's list takes the "a" right; MYRIGHTS any right that lets the session see the mailbox.
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
        Account grantee = grantee(ctx, t, c.identifier());
        if (grantee == null) return Done.no(ResponseCode.cannot(), "Rights can be given only to an account other than the owner");
        Rights now = ctx.grants().rights(t.mailbox().get().id(), grantee.id());
        Rights next = switch (mode) {
            case '+' -> now.plus(given.get());
            case '-' -> now.minus(given.get());
            default -> given.get();
        };
        ctx.grants().set(t.ownerId(), t.mailbox().get().id(), grantee.id(), next);
        return Done.ok("SETACL completed");
    }

    /** RFC 4314 §3.2. */
    static Done deleteAcl(CommandContext ctx, ImapCommand.DeleteAcl c) {
        MailboxAccess.Target t = MailboxAccess.require(ctx, MailboxNames.normalize(c.mailbox()), 'a');
        Account grantee = grantee(ctx, t, c.identifier());
        if (grantee == null) return Done.no(ResponseCode.cannot(), "The owner's rights cannot be removed");
        ctx.grants().set(t.ownerId(), t.mailbox().get().id(), grantee.id(), Rights.NONE);
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

    /** The account an identifier names; null for the owner. Unknown identifiers: NONEXISTENT. */
    private static Account grantee(CommandContext ctx, MailboxAccess.Target t, String identifier) {
        String address = identifier.toLowerCase(Locale.ROOT);
        if (address.equals(t.owner())) return null;
        return ctx.directory().account(address).orElseThrow(() -> new dev.letterbox.store.MailboxException(
                dev.letterbox.store.MailboxException.Reason.NOT_FOUND, "No such user: " + printable(identifier)));
    }

    private static String printable(String text) {
        return SessionHandler.printable(text);
    }
}
