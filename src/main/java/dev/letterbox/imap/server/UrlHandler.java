package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ImapUrl;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** GENURLAUTH, RESETKEY and URLFETCH (RFC 4467 §7), with URLFETCH's RFC 5524 parameters (URLAUTH=BINARY). */
final class UrlHandler {
    private UrlHandler() {}

    /** RFC 4467 §7.2: all URLs are signed, or the command fails naming the first bad one. */
    static Done genUrlAuth(CommandContext ctx, ImapCommand.GenUrlAuth c) throws IOException {
        List<String> signed = new ArrayList<>();
        for (ImapCommand.UrlToSign u : c.urls()) {
            if (!u.mechanism().equals(UrlAuth.MECHANISM)) {
                return Done.no("Unknown URLAUTH mechanism " + u.mechanism() + " (only INTERNAL)");
            }
            try {
                signed.add(UrlAuth.generate(ctx.mailStore(), ctx.account(), u.rump()));
            } catch (ImapUrl.BadUrl e) {
                return Done.no(ResponseCode.badUrl(u.rump()), "Cannot sign this URL: " + e.getMessage());
            }
        }
        ctx.out.star().atom("GENURLAUTH");
        for (String url : signed) ctx.out.string(url);
        ctx.out.end();
        return Done.ok("GENURLAUTH completed");
    }

    /** RFC 4467 §7.1: forgets the keys of one mailbox or of all; every URL they signed stops working. */
    static Done resetKey(CommandContext ctx, ImapCommand.ResetKey c) {
        for (String m : c.mechanisms()) {
            if (!m.equals(UrlAuth.MECHANISM)) return Done.no("Unknown URLAUTH mechanism " + m + " (only INTERNAL)");
        }
        OptionalLong mailboxId = OptionalLong.empty();
        if (c.mailbox().isPresent()) {
            String name = MailboxNames.normalize(c.mailbox().get());
            Optional<Mailbox> m = ctx.store().read(tx -> tx.mailbox(name));
            if (m.isEmpty()) throw new MailboxException(MailboxException.Reason.NONEXISTENT, "Mailbox does not exist");
            mailboxId = OptionalLong.of(m.get().id());
        }
        ctx.urlAuthKeys().reset(ctx.account().id(), mailboxId);
        return Done.ok(ResponseCode.urlMech(List.of(UrlAuth.MECHANISM)), "RESETKEY completed");
    }

    /**
     * RFC 4467 §7.3: one URLFETCH response with each URL and its data, NIL for a URL that is not
     * valid (for this user, now); RFC 5524 §3: with parameters, the data as BODY, BINARY (transfer
     * encoding undone) and/or BODYPARTSTRUCTURE, in a list.
     */
    static Done urlFetch(CommandContext ctx, ImapCommand.UrlFetch c) throws IOException {
        ctx.out.star().atom("URLFETCH");
        for (ImapCommand.UrlToFetch u : c.urls()) {
            ctx.out.string(u.url());
            Optional<UrlParts.Opened> opened;
            try {
                opened = UrlAuth.open(ctx.mailStore(), ctx.account().address(), false, ImapUrl.parse(u.url()));
            } catch (ImapUrl.BadUrl e) {
                opened = Optional.empty();
            }
            if (opened.isEmpty()) {
                ctx.out.nil();
                continue;
            }
            try (UrlParts.Opened part = opened.get()) {
                if (!u.extended()) {
                    literal(ctx, part.stream(), part.length(), false);
                    continue;
                }
                // the structure first, then the data, whatever order the client named them in
                ctx.out.open();
                if (u.params().contains("BODYPARTSTRUCTURE")) {
                    ctx.out.atom("BODYPARTSTRUCTURE").node(part.structure.partStructure(part.section.part()).orElseThrow());
                }
                if (u.params().contains("BODY")) {
                    ctx.out.atom("BODY");
                    literal(ctx, part.stream(), part.length(), false);
                } else if (u.params().contains("BINARY")) {
                    binary(ctx, part);
                }
                ctx.out.close();
            }
        }
        ctx.out.end();
        return Done.ok("URLFETCH completed");
    }

    /** RFC 5524 §3 BINARY: a literal8 when the decoded part holds NUL; NIL when its encoding is unknown. */
    private static void binary(CommandContext ctx, UrlParts.Opened part) throws IOException {
        ctx.out.atom("BINARY");
        Optional<BodySections.Content> decoded = part.binary();
        if (decoded.isEmpty()) {
            ctx.out.nil();
            return;
        }
        BodySections.Content content = decoded.get();
        boolean nul = switch (content) {
            case BodySections.Content.Bytes b -> hasNul(b.data());
            case BodySections.Content.Decoded d -> d.hasNul();
            default -> false;
        };
        literal(ctx, part.stream(content), UrlParts.Opened.length(content), nul);
    }

    private static boolean hasNul(byte[] data) {
        for (byte b : data) if (b == 0) return true;
        return false;
    }

    private static void literal(CommandContext ctx, InputStream in, long length, boolean binary) throws IOException {
        ctx.out.literal(in, length, binary);
    }
}
