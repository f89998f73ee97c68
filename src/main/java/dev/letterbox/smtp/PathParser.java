package dev.letterbox.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Parses a reverse-path or forward-path (RFC 5321 §4.1.2, with RFC 6531's UTF-8) starting at a
 * position of a command line:
 * <pre>
 * Path     = "&lt;" [ A-d-l ":" ] Mailbox "&gt;"      A-d-l = At-domain *( "," At-domain )
 * Mailbox  = Local-part "@" ( Domain / address-literal )
 * Local-part = Dot-string / Quoted-string
 * </pre>
 * A source route is checked for syntax and then dropped (RFC 5321 §4.1.1.3 and appendix C: servers
 * "SHOULD ... ignore the route"), so {@code <@a,@b:user@c>} is the mailbox {@code user@c} and is
 * judged as such: a route can never make mail go somewhere other than where the mailbox says.
 */
final class PathParser {
    /** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
    static final int MAX_PATH = 256;
    /** RFC 5321 §4.5.3.1.1 and §4.5.3.1.2. */
    static final int MAX_LOCAL_PART = 64, MAX_DOMAIN = 255;

    private final String s;
    private final boolean sender;
    private int pos;

    private PathParser(String s, int pos, boolean sender) {
        this.s = s;
        this.pos = pos;
        this.sender = sender;
    }

    /** A parsed path and the index just after its closing "&gt;". */
    record Parsed(Optional<Mailbox> mailbox, int end) {}

    /** Reverse-path: a path or {@code <>} (empty mailbox). */
    static Parsed reversePath(String line, int from) throws SmtpSyntaxException {
        return new PathParser(line, from, true).path(true);
    }

    /** Forward-path: a path, or {@code <Postmaster>} (RFC 5321 §4.1.1.3). */
    static Parsed forwardPath(String line, int from) throws SmtpSyntaxException {
        return new PathParser(line, from, false).path(false);
    }

    /** A whole mailbox with nothing around it (the AUTH= parameter, ORCPT values). */
    static Optional<Mailbox> mailboxOnly(String text) {
        try {
            PathParser p = new PathParser(text, 0, false);
            Mailbox m = p.mailbox();
            return p.pos == text.length() ? Optional.of(m) : Optional.empty();
        } catch (SmtpSyntaxException e) {
            return Optional.empty();
        }
    }

    private Parsed path(boolean allowNull) throws SmtpSyntaxException {
        int start = pos;
        if (!take('<')) throw bad("the address must be in angle brackets, e.g. <user@example.org>");
        if (take('>')) {
            if (!allowNull) throw bad("an empty path is not a valid recipient");
            return new Parsed(Optional.empty(), pos);
        }
        if (peek() == '@') sourceRoute();
        Mailbox mailbox;
        if (!allowNull && s.regionMatches(true, pos, "postmaster>", 0, 11)) {
            pos += 10;
            mailbox = Mailbox.barePostmaster();
        } else {
            mailbox = mailbox();
        }
        if (!take('>')) throw bad("unexpected characters in the address");
        if (octets(start, pos) > MAX_PATH) throw bad("path longer than " + MAX_PATH + " octets");
        return new Parsed(Optional.of(mailbox), pos);
    }

    /** A-d-l ":" — syntax checked, content dropped. */
    private void sourceRoute() throws SmtpSyntaxException {
        do {
            if (!take('@')) throw bad("malformed source route");
            domain();
        } while (take(','));
        if (!take(':')) throw bad("malformed source route");
    }

    private Mailbox mailbox() throws SmtpSyntaxException {
        String local = peek() == '"' ? quotedString() : dotString();
        if (local.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_PART) {
            throw bad("local part longer than " + MAX_LOCAL_PART + " octets");
        }
        if (!take('@')) throw bad("the address needs a domain (user@domain)");
        String domain = peek() == '[' ? addressLiteral() : domain();
        if (domain.getBytes(StandardCharsets.UTF_8).length > MAX_DOMAIN) throw bad("domain too long");
        return new Mailbox(local, domain);
    }

    private String dotString() throws SmtpSyntaxException {
        int start = pos;
        while (pos < s.length()) {
            int c = s.codePointAt(pos);
            if (c != '.' && !Mailbox.isAtext(c)) break;
            pos += Character.charCount(c);
        }
        String local = s.substring(start, pos);
        if (!Mailbox.isDotString(local)) throw bad("invalid local part");
        return local;
    }

    /** Quoted-string; returns the content without quotes, quoted-pairs resolved. */
    private String quotedString() throws SmtpSyntaxException {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw bad("unterminated quoted local part");
            int c = s.codePointAt(pos);
            pos += Character.charCount(c);
            if (c == '"') break;
            if (c == '\\') {
                if (pos >= s.length()) throw bad("unterminated quoted local part");
                int q = s.charAt(pos++);
                if (q < 32 || q > 126) throw bad("invalid quoted-pair in local part"); // %d92 %d32-126
                sb.append((char) q);
            } else if ((c >= 32 && c <= 126) || c > 0x7f) { // qtextSMTP, SP included; UTF-8 per RFC 6531
                sb.appendCodePoint(c);
            } else {
                throw bad("invalid character in quoted local part");
            }
        }
        if (sb.isEmpty()) throw bad("empty local part");
        return sb.toString();
    }

    /** Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str] / U-label. */
    private String domain() throws SmtpSyntaxException {
        int start = pos;
        while (true) {
            int labelStart = pos;
            while (pos < s.length()) {
                int c = s.codePointAt(pos);
                if (!(isLetDig(c) || c == '-' || c > 0x7f)) break;
                pos += Character.charCount(c);
            }
            if (pos == labelStart || s.charAt(labelStart) == '-' || s.charAt(pos - 1) == '-' || pos - labelStart > 63 * 4) {
                throw bad("invalid domain");
            }
            if (!take('.')) break;
        }
        return s.substring(start, pos);
    }

    /** "[" IPv4 / "IPv6:" ... / General-address-literal "]" — kept as written. */
    private String addressLiteral() throws SmtpSyntaxException {
        int start = pos;
        int close = s.indexOf(']', pos);
        if (close < 0 || close - start > 64) throw bad("invalid address literal");
        String inner = s.substring(start + 1, close);
        boolean ok = inner.matches("(\\d{1,3}\\.){3}\\d{1,3}")
                || inner.regionMatches(true, 0, "IPv6:", 0, 5) && inner.substring(5).matches("[0-9A-Fa-f:.]{2,45}")
                || inner.matches("[A-Za-z0-9-]*[A-Za-z0-9]:[\\x21-\\x5a\\x5e-\\x7e]+");
        if (!ok) throw bad("invalid address literal");
        pos = close + 1;
        return s.substring(start, pos);
    }

    private static boolean isLetDig(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private int peek() {
        return pos < s.length() ? s.charAt(pos) : -1;
    }

    private boolean take(char c) {
        if (pos < s.length() && s.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private int octets(int from, int to) {
        return s.substring(from, to).getBytes(StandardCharsets.UTF_8).length;
    }

    private SmtpSyntaxException bad(String text) {
        return SmtpSyntaxException.badAddress(sender, text);
    }
}
