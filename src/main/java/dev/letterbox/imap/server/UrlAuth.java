package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapUrl;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Mailbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * URLAUTH (RFC 4467): signing URL rumps with the mailbox access key (GENURLAUTH) and checking a
 * signed URL before its part is read (URLFETCH, CATENATE, SMTP BURL). The one mechanism is
 * INTERNAL: the token is the HMAC-SHA256 of the rump (the URL up to and including the access
 * identifier, §2) under the key of the owner's mailbox, in hex. RESETKEY forgets the key, so every
 * URL signed with it stops working.
 *
 * <p>The owner is the URL's user: an address, or a local part that the URL's host completes
 * ({@code imap://fred@example.com/...} names fred@example.com, the way URLs built from an address
 * come out). The host is not otherwise checked: every domain here is served by this store.
 */
public final class UrlAuth {
    public static final String MECHANISM = "INTERNAL";

    private UrlAuth() {}

    /**
     * RFC 4467 §7.2: the signed form of {@code rump}, which must name a part of a message in one of
     * {@code owner}'s mailboxes and carry an access identifier but no mechanism or token.
     */
    static String generate(MailStore store, Account owner, String rumpText) throws ImapUrl.BadUrl, IOException {
        ImapUrl url = ImapUrl.parse(rumpText);
        if (!url.absolute() || !url.authorized() || url.token() != null) throw new ImapUrl.BadUrl("not a URLAUTH rump");
        checkAccess(url.access());
        if (url.expire() != null) expiry(url.expire());
        Account named = owner(store, url).orElseThrow(() -> new ImapUrl.BadUrl("the URL's user is not known here"));
        if (named.id() != owner.id()) throw new ImapUrl.BadUrl("only the mailbox's owner may sign a URL for it");
        try (UrlParts.Opened ignored = UrlParts.open(store, owner.id(), url)) {
            // it names a part that exists now: signing a URL to nothing helps no one
        }
        Mailbox mailbox = mailbox(store, owner.id(), url).orElseThrow(() -> new ImapUrl.BadUrl("no such mailbox"));
        byte[] key = store.urlAuthKeys().keyFor(owner.id(), mailbox.id());
        return url.rump() + ":" + MECHANISM + ":" + token(key, url.rump());
    }

    /**
     * RFC 4467 §7.3 and RFC 4468 §3: opens what a signed URL names when {@code requester} (the
     * address of the logged-in user, never null here) may read it through it; empty when the URL
     * is not valid now for any reason (the answer is then NIL, or a refusal for BURL).
     * {@code submit}: the requester is the submission server acting for that user ("submit+").
     */
    public static Optional<UrlParts.Opened> open(MailStore store, String requester, boolean submit, ImapUrl url)
            throws IOException {
        if (!url.absolute() || url.token() == null || !MECHANISM.equals(url.mechanism())) return Optional.empty();
        if (!mayUse(url.access(), requester, submit)) return Optional.empty();
        try {
            if (url.expire() != null && expiry(url.expire()).isBefore(OffsetDateTime.now())) return Optional.empty();
            Optional<Account> owner = owner(store, url);
            if (owner.isEmpty()) return Optional.empty();
            Optional<Mailbox> mailbox = mailbox(store, owner.get().id(), url);
            if (mailbox.isEmpty()) return Optional.empty();
            Optional<byte[]> key = store.urlAuthKeys().key(owner.get().id(), mailbox.get().id());
            if (key.isEmpty()) return Optional.empty();
            byte[] expected = token(key.get(), url.rump()).getBytes(StandardCharsets.US_ASCII);
            byte[] given = url.token().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(expected, given)) return Optional.empty();
            return Optional.of(UrlParts.open(store, owner.get().id(), url));
        } catch (ImapUrl.BadUrl e) {
            return Optional.empty();
        }
    }

    /** RFC 4467 §3: who may use a URL with this access identifier. */
    private static boolean mayUse(String access, String requester, boolean submit) {
        String a = access.toLowerCase(Locale.ROOT);
        if (a.equals("anonymous")) return true;
        if (a.equals("authuser")) return requester != null;
        if (a.startsWith("user+")) return requester != null && access.substring(5).equalsIgnoreCase(requester);
        if (a.startsWith("submit+")) return submit && requester != null && access.substring(7).equalsIgnoreCase(requester);
        return false;
    }

    private static void checkAccess(String access) throws ImapUrl.BadUrl {
        String a = access.toLowerCase(Locale.ROOT);
        boolean known = a.equals("anonymous") || a.equals("authuser")
                || (a.startsWith("user+") && a.length() > 5) || (a.startsWith("submit+") && a.length() > 7);
        if (!known) throw new ImapUrl.BadUrl("unknown URLAUTH access identifier");
    }

    private static OffsetDateTime expiry(String text) throws ImapUrl.BadUrl {
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new ImapUrl.BadUrl("EXPIRE is not an RFC 3339 date-time");
        }
    }

    private static Optional<Account> owner(MailStore store, ImapUrl url) {
        if (url.user() == null || url.user().isEmpty()) return Optional.empty();
        Optional<Account> a = store.directory().account(url.user());
        if (a.isEmpty() && url.user().indexOf('@') < 0) a = store.directory().account(url.user() + "@" + url.host());
        return a;
    }

    private static Optional<Mailbox> mailbox(MailStore store, long accountId, ImapUrl url) {
        String name = MailboxNames.normalize(url.mailbox());
        return store.read(accountId, tx -> tx.mailbox(name));
    }

    private static String token(byte[] key, String rump) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(rump.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * CATENATE's reading of a URL (RFC 4469 §5): a signed URL as URLFETCH would take it; any other
     * must name this user's own mailboxes (a path, or an absolute URL whose user is this user).
     */
    static UrlParts.Opened openForAppend(CommandContext ctx, ImapUrl url) throws ImapUrl.BadUrl, IOException {
        MailStore store = ctx.mailStore();
        if (url.authorized()) {
            return open(store, ctx.account().address(), false, url).orElseThrow(() -> new ImapUrl.BadUrl("URLAUTH not valid"));
        }
        if (url.absolute()) {
            Optional<Account> owner = owner(store, url);
            if (owner.isEmpty() || owner.get().id() != ctx.account().id()) throw new ImapUrl.BadUrl("not this user's mailbox");
        }
        return UrlParts.open(store, ctx.account().id(), url);
    }
}
