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
final class UrlCommands {
    private UrlCommands() {}

    /** RFC 4467 §7.2: all URLs are signed, or the command fails naming the first bad one. */
    static Done genUrlAuth(ImapSession s, ImapCommand.GenUrlAuth c) throws IOException {
        List<String> signed = new ArrayList<>();
        for (ImapCommand.UrlToSign u : c.urls()) {
            if (!u.mechanism().equals(UrlAuth.MECHANISM)) {
                return Done.no("Unknown URLAUTH mechanism " + u.mechanism() + " (only INTERNAL)");
            }
            try {
                signed.add(UrlAuth.generate(s.service.store, s.account(), u.rump()));
            } catch (ImapUrl.BadUrl e) {
                return Done.no(ResponseCode.badUrl(u.rump()), "Cannot sign this URL: " + e.getMessage());
            }
        }
        s.out.star().atom("GENURLAUTH");
        for (String url : signed) s.out.string(url);
        s.out.end();
        return Done.ok("GENURLAUTH completed");
    }

    /** RFC 4467 §7.1: forgets the keys of one mailbox or of all; every URL they signed stops working. */
    static Done resetKey(ImapSession s, ImapCommand.ResetKey c) {
        for (String m : c.mechanisms()) {
            if (!m.equals(UrlAuth.MECHANISM)) return Done.no("Unknown URLAUTH mechanism " + m + " (only INTERNAL)");
        }
        OptionalLong mailboxId = OptionalLong.empty();
        if (c.mailbox().isPresent()) {
            String name = MailboxNames.normalize(c.mailbox().get());
            Optional<Mailbox> m = s.service.store.read(s.account().id(), tx -> tx.mailbox(name));
            if (m.isEmpty()) throw new MailboxException(MailboxException.Reason.NONEXISTENT, "Mailbox does not exist");
            mailboxId = OptionalLong.of(m.get().id());
        }
        s.service.store.urlAuthKeys().reset(s.account().id(), mailboxId);
        return Done.ok(ResponseCode.urlMech(List.of(UrlAuth.MECHANISM)), "RESETKEY completed");
    }

    /**
     * RFC 4467 §7.3: one URLFETCH response with each URL and its data, NIL for a URL that is not
     * valid (for this user, now); RFC 5524 §3: with parameters, the data as BODY, BINARY (transfer
     * encoding undone) and/or BODYPARTSTRUCTURE, in a list.
     */
    static Done urlFetch(ImapSession s, ImapCommand.UrlFetch c) throws IOException {
        s.out.star().atom("URLFETCH");
        for (ImapCommand.UrlToFetch u : c.urls()) {
            s.out.string(u.url());
            Optional<UrlParts.Opened> opened;
            try {
                opened = UrlAuth.open(s.service.store, s.account().address(), false, ImapUrl.parse(u.url()));
            } catch (ImapUrl.BadUrl e) {
                opened = Optional.empty();
            }
            if (opened.isEmpty()) {
                s.out.nil();
                continue;
            }
            try (UrlParts.Opened part = opened.get()) {
                if (!u.extended()) {
                    literal(s, part.stream(), part.length(), false);
                    continue;
                }
                // the structure first, then the data, whatever order the client named them in
                s.out.open();
                if (u.params().contains("BODYPARTSTRUCTURE")) {
                    s.out.atom("BODYPARTSTRUCTURE").node(part.partStructure(u.params().contains("BINARY")));
                }
                if (u.params().contains("BODY")) {
                    s.out.atom("BODY");
                    literal(s, part.stream(), part.length(), false);
                } else if (u.params().contains("BINARY")) {
                    binary(s, part);
                }
                s.out.close();
            }
        }
        s.out.end();
        return Done.ok("URLFETCH completed");
    }

    /** RFC 5524 §3 BINARY: a literal8 when the decoded part holds NUL; NIL when its encoding is unknown. */
    private static void binary(ImapSession s, UrlParts.Opened part) throws IOException {
        s.out.atom("BINARY");
        Optional<BodySections.Content> decoded = part.binary();
        if (decoded.isEmpty()) {
            s.out.nil();
            return;
        }
        BodySections.Content content = decoded.get();
        boolean nul = switch (content) {
            case BodySections.Content.Bytes b -> hasNul(b.data());
            case BodySections.Content.Decoded d -> d.hasNul();
            default -> false;
        };
        literal(s, part.stream(content), UrlParts.Opened.length(content), nul);
    }

    private static boolean hasNul(byte[] data) {
        for (byte b : data) if (b == 0) return true;
        return false;
    }

    private static void literal(ImapSession s, InputStream in, long length, boolean binary) throws IOException {
        s.out.literal(in, length, binary);
    }
}
