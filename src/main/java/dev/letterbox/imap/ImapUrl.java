package dev.letterbox.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An IMAP URL naming a message or a part of one (RFC 5092 {@code imessagepart}), as CATENATE
 * (RFC 4469), URLAUTH (RFC 4467) and BURL (RFC 4468) use it: either absolute
 * ({@code imap://user;AUTH=*@host:port/INBOX;UIDVALIDITY=5/;UID=20/;SECTION=1.2;URLAUTH=...}) or a
 * path on this server ({@code /INBOX/;UID=20}). Keys are matched in any case; the mailbox and section
 * are percent-decoded (the mailbox as UTF-8, RFC 5092 §3.1).
 *
 * @param user        the user of an absolute URL, null for a path or when absent
 * @param host        the host of an absolute URL, null for a path
 * @param uidValidity 0 when the URL names none
 * @param section     the section text (e.g. "1.2.HEADER"), null for the whole message
 * @param partialOffset -1 when there is no PARTIAL
 * @param partialLength -1 for "to the end"
 * @param expire      the EXPIRE date-time as written, null when none
 * @param access      the URLAUTH access identifier ("user+fred", "authuser", ...), null when none
 * @param mechanism   the URLAUTH mechanism ("INTERNAL"), null for a rump URL
 * @param token       the URLAUTH token (hex), null for a rump URL
 * @param rump        the URL up to and including the access identifier: what the token signs (RFC 4467 §2)
 */
public record ImapUrl(String user, String host, String mailbox, long uidValidity, long uid, String section,
                      long partialOffset, long partialLength, String expire, String access, String mechanism,
                      String token, String rump) {

    /** Longest URL accepted anywhere. */
    public static final int MAX_LENGTH = 2048;

    public boolean absolute() {
        return host != null;
    }

    /** True when the URL carries a URLAUTH part (RFC 4467 §2), with or without its token. */
    public boolean authorized() {
        return access != null;
    }

    /** The section as FETCH would name it; the whole message when the URL names none. */
    public FetchAttr.Section sectionSpec() throws BadUrl {
        if (section == null) return new FetchAttr.Section(new int[0], FetchAttr.Section.Kind.ALL, java.util.List.of());
        try {
            return FetchParser.sectionOf(section);
        } catch (ImapSyntaxException e) {
            throw new BadUrl("invalid section in the URL: " + e.getMessage());
        }
    }

    /** Thrown for a URL that does not follow RFC 5092 or names no message. */
    public static final class BadUrl extends Exception {
        public BadUrl(String message) {
            super(message);
        }
    }

    public static ImapUrl parse(String url) throws BadUrl {
        if (url.length() > MAX_LENGTH) throw new BadUrl("URL too long");
        String user = null, host = null;
        String rest;
        if (url.regionMatches(true, 0, "imap://", 0, 7)) {
            int slash = url.indexOf('/', 7);
            if (slash < 0) throw new BadUrl("no mailbox in the URL");
            String authority = url.substring(7, slash);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String userinfo = authority.substring(0, at);
                int auth = indexOfIgnoreCase(userinfo, ";AUTH=", 0);
                user = decode(auth >= 0 ? userinfo.substring(0, auth) : userinfo);
                authority = authority.substring(at + 1);
            }
            int colon = authority.lastIndexOf(':');
            host = colon >= 0 && authority.indexOf(']') < colon ? authority.substring(0, colon) : authority;
            if (host.isEmpty()) throw new BadUrl("no host in the URL");
            rest = url.substring(slash);
        } else if (url.startsWith("/")) {
            rest = url;
        } else {
            throw new BadUrl("not an IMAP URL");
        }
        int uidAt = indexOfIgnoreCase(rest, "/;UID=", 0);
        if (uidAt < 0) throw new BadUrl("the URL names no message (no ;UID=)");
        String mailboxPart = rest.substring(1, uidAt);
        long uidValidity = 0;
        int validity = indexOfIgnoreCase(mailboxPart, ";UIDVALIDITY=", 0);
        if (validity >= 0) {
            uidValidity = number(mailboxPart.substring(validity + 13));
            mailboxPart = mailboxPart.substring(0, validity);
        }
        String mailbox = decode(mailboxPart);
        if (mailbox.isEmpty()) throw new BadUrl("no mailbox in the URL");

        Cursor c = new Cursor(rest, uidAt + 6);
        long uid = number(c.until(";/"));
        String section = null;
        long partialOffset = -1, partialLength = -1;
        if (c.skip("/;SECTION=")) section = decode(c.until(";/"));
        if (c.skip("/;PARTIAL=")) {
            String p = c.until(";/");
            int dot = p.indexOf('.');
            partialOffset = number0(dot < 0 ? p : p.substring(0, dot));
            if (dot >= 0) partialLength = number(p.substring(dot + 1));
        }
        String expire = null, access = null, mechanism = null, token = null, rump = null;
        if (c.skip(";EXPIRE=")) expire = decode(c.until(";/"));
        if (c.skip(";URLAUTH=")) {
            access = decode(c.until(":"));
            if (access.isEmpty()) throw new BadUrl("empty URLAUTH access identifier");
            rump = url.substring(0, url.length() - rest.length() + c.pos);
            if (c.skip(":")) {
                mechanism = c.until(":").toUpperCase(Locale.ROOT);
                if (!c.skip(":")) throw new BadUrl("URLAUTH mechanism without a token");
                token = c.rest();
                if (mechanism.isEmpty() || token.isEmpty()) throw new BadUrl("empty URLAUTH mechanism or token");
            }
        } else if (expire != null) {
            throw new BadUrl("EXPIRE without URLAUTH");
        }
        if (!c.atEnd()) throw new BadUrl("unexpected text in the URL");
        return new ImapUrl(user, host, mailbox, uidValidity, uid, section, partialOffset, partialLength, expire, access,
                mechanism, token, rump);
    }

    /** A reading position in the URL's path. */
    private static final class Cursor {
        final String s;
        int pos;

        Cursor(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        boolean skip(String prefix) {
            if (!s.regionMatches(true, pos, prefix, 0, prefix.length())) return false;
            pos += prefix.length();
            return true;
        }

        /** The text up to (not including) the first of {@code stops}, or to the end. */
        String until(String stops) {
            int start = pos;
            while (pos < s.length() && stops.indexOf(s.charAt(pos)) < 0) pos++;
            return s.substring(start, pos);
        }

        String rest() {
            String r = s.substring(pos);
            pos = s.length();
            return r;
        }

        boolean atEnd() {
            return pos >= s.length();
        }
    }

    private static int indexOfIgnoreCase(String s, String what, int from) {
        for (int i = from; i + what.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, what, 0, what.length())) return i;
        }
        return -1;
    }

    private static long number(String s) throws BadUrl {
        long n = number0(s);
        if (n == 0) throw new BadUrl("zero where the URL needs a number above 0");
        return n;
    }

    private static long number0(String s) throws BadUrl {
        if (s.isEmpty() || s.length() > 10) throw new BadUrl("invalid number in the URL");
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') throw new BadUrl("invalid number in the URL");
            n = n * 10 + (ch - '0');
        }
        if (n > SequenceSet.MAX_NUMBER) throw new BadUrl("number out of range in the URL");
        return n;
    }

    /** Percent-decoding to UTF-8 (RFC 3986 §2.1, RFC 5092 §3.1). */
    static String decode(String s) throws BadUrl {
        if (s.indexOf('%') < 0) return s;
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] != '%') {
                out.write(in[i]);
                continue;
            }
            if (i + 2 >= in.length) throw new BadUrl("bad percent escape in the URL");
            int hi = Character.digit(in[i + 1], 16), lo = Character.digit(in[i + 2], 16);
            if (hi < 0 || lo < 0) throw new BadUrl("bad percent escape in the URL");
            out.write(hi * 16 + lo);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
