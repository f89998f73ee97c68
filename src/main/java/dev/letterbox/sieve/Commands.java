package dev.letterbox.sieve;

import static dev.letterbox.sieve.Signature.Kind.LIST;
import static dev.letterbox.sieve.Signature.Kind.NONE;
import static dev.letterbox.sieve.Signature.Kind.NUMBER;
import static dev.letterbox.sieve.Signature.Kind.STRING;

import dev.letterbox.sieve.Code.Exec;
import java.util.List;

/**
 * The action commands of RFC 5228 §4 and the extensions: keep, discard, stop, fileinto (with copy
 * RFC 3894, mailbox RFC 5490, imap4flags RFC 5232), redirect, reject/ereject (RFC 5429) and
 * vacation (RFC 5230/6131). Variables, flags, header edits and include are in their own classes.
 */
final class Commands {
    private Commands() {}

    private static final Signature STOP = new Signature("stop");
    private static final Signature DISCARD = new Signature("discard");
    private static final Signature KEEP = new Signature("keep").tag(":flags", LIST, "imap4flags", null);
    private static final Signature FILEINTO = new Signature("fileinto").tag(":copy", "copy")
            .tag(":create", "mailbox").tag(":flags", LIST, "imap4flags", null).positional(STRING, "mailbox name");
    private static final Signature REDIRECT = new Signature("redirect").tag(":copy", "copy")
            .positional(STRING, "address");
    private static final Signature REJECT = new Signature("reject").positional(STRING, "reason");
    private static final Signature EREJECT = new Signature("ereject").positional(STRING, "reason");
    private static final Signature VACATION = new Signature("vacation")
            .tag(":days", NUMBER, null, "period").tag(":seconds", NUMBER, "vacation-seconds", "period")
            .tag(":subject", STRING, null, null).tag(":from", STRING, null, null)
            .tag(":addresses", LIST, null, null).tag(":mime", NONE, null, null).tag(":handle", STRING, null, null)
            .positional(STRING, "reason");

    /** The command's code, or null when there is no such command. */
    static Exec compile(Ast.Node n, CompileContext ctx) throws SieveException {
        return switch (n.name()) {
            case "stop" -> {
                STOP.check(n, ctx);
                yield r -> Run.STOP;
            }
            case "discard" -> {
                DISCARD.check(n, ctx);
                yield r -> {
                    r.actions.discard();
                    return Run.NEXT;
                };
            }
            case "keep" -> keep(KEEP.check(n, ctx), ctx);
            case "fileinto" -> fileinto(FILEINTO.check(n, ctx), ctx);
            case "redirect" -> redirect(REDIRECT.check(n, ctx), ctx);
            case "reject", "ereject" -> {
                Signature.Call c = (n.name().equals("reject") ? REJECT : EREJECT).check(n, ctx);
                Str reason = ctx.str(c.pos().get(0));
                boolean extended = n.name().equals("ereject");
                yield r -> {
                    r.actions.reject(reason.eval(r), extended);
                    return Run.NEXT;
                };
            }
            case "vacation" -> Vacation.compile(VACATION.check(n, ctx), ctx);
            case "set" -> Variables.set(n, ctx);
            case "setflag", "addflag", "removeflag" -> Flags.command(n, ctx);
            case "addheader" -> HeaderEdits.add(n, ctx);
            case "deleteheader" -> HeaderEdits.delete(n, ctx);
            case "include", "return", "global" -> Includes.compile(n, ctx);
            default -> null;
        };
    }

    private static Exec keep(Signature.Call c, CompileContext ctx) throws SieveException {
        List<Str> flags = c.has(":flags") ? ctx.strs(c.tags().get(":flags")) : null;
        return r -> {
            r.actions.keep(flags == null ? r.flags() : Flags.parse(r, flags));
            return Run.NEXT;
        };
    }

    private static Exec fileinto(Signature.Call c, CompileContext ctx) throws SieveException {
        Str mailbox = ctx.str(c.pos().get(0));
        List<Str> flags = c.has(":flags") ? ctx.strs(c.tags().get(":flags")) : null;
        boolean copy = c.has(":copy");
        boolean create = c.has(":create");
        return r -> {
            r.actions.fileInto(mailbox.eval(r), flags == null ? r.flags() : Flags.parse(r, flags), create, copy);
            return Run.NEXT;
        };
    }

    private static Exec redirect(Signature.Call c, CompileContext ctx) throws SieveException {
        Str address = ctx.str(c.pos().get(0));
        if (address.constant() != null && !Addresses.isMailbox(address.constant())) {
            throw new SieveException(c.line(), "redirect needs an address like user@example.org, not \""
                    + address.constant() + "\"");
        }
        boolean copy = c.has(":copy");
        return r -> {
            String a = address.eval(r);
            if (!Addresses.isMailbox(a)) throw r.fail("redirect to \"" + a + "\", which is not an address");
            r.actions.redirect(a, copy);
            return Run.NEXT;
        };
    }
}
