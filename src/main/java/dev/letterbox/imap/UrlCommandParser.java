package dev.letterbox.imap;

import static dev.letterbox.imap.ImapParser.printable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * URLAUTH commands (RFC 4467 §7, RFC 5524 §3): GENURLAUTH, RESETKEY and URLFETCH. At most
 * {@link #MAX_URLS} URLs in one command, each at most {@link ImapUrl#MAX_LENGTH} octets.
 */
final class UrlCommandParser extends CommandParser {
    static final int MAX_URLS = 100;

    UrlCommandParser(Tokens t, String tag, ImapParser.Context ctx) {
        super(t, tag, ctx);
    }

    ImapCommand parse(String name) throws ImapSyntaxException {
        return switch (name) {
            case "GENURLAUTH" -> {
                List<ImapCommand.UrlToSign> urls = new ArrayList<>();
                do {
                    t.sp();
                    String rump = url();
                    t.sp();
                    urls.add(new ImapCommand.UrlToSign(rump, mechanism()));
                    bound(urls.size());
                } while (!t.atEnd());
                yield new ImapCommand.GenUrlAuth(tag, List.copyOf(urls));
            }
            case "RESETKEY" -> {
                Optional<String> mailbox = Optional.empty();
                List<String> mechanisms = new ArrayList<>();
                if (t.trySp()) {
                    mailbox = Optional.of(mailbox());
                    while (t.trySp()) {
                        mechanisms.add(mechanism());
                        bound(mechanisms.size());
                    }
                }
                yield new ImapCommand.ResetKey(tag, mailbox, List.copyOf(mechanisms));
            }
            case "URLFETCH" -> {
                List<ImapCommand.UrlToFetch> urls = new ArrayList<>();
                do {
                    t.sp();
                    urls.add(fetchArg());
                    bound(urls.size());
                } while (!t.atEnd());
                yield new ImapCommand.UrlFetch(tag, List.copyOf(urls));
            }
            default -> throw new IllegalArgumentException("not a URL command: " + name);
        };
    }

    /** RFC 5524 §3: url / "(" url *(SP ("BODY" / "BINARY" / "BODYPARTSTRUCTURE")) ")". */
    private ImapCommand.UrlToFetch fetchArg() throws ImapSyntaxException {
        if (!t.tryConsume('(')) return new ImapCommand.UrlToFetch(url(), false, List.of());
        String url = url();
        List<String> params = new ArrayList<>();
        while (t.trySp()) {
            String p = t.atomUpper();
            if (!p.equals("BODY") && !p.equals("BINARY") && !p.equals("BODYPARTSTRUCTURE")) {
                throw new ImapSyntaxException("unknown URLFETCH parameter " + printable(p));
            }
            if (params.contains(p)) throw new ImapSyntaxException("URLFETCH parameter given twice");
            params.add(p);
        }
        t.expect(')');
        if (params.contains("BODY") && params.contains("BINARY")) throw new ImapSyntaxException("BODY and BINARY together");
        return new ImapCommand.UrlToFetch(url, true, List.copyOf(params));
    }

    private String url() throws ImapSyntaxException {
        String url = t.astring();
        if (url.length() > ImapUrl.MAX_LENGTH) throw new ImapSyntaxException("URL too long");
        return url;
    }

    /** mechanism: "INTERNAL" / 1*(ALPHA / DIGIT / "-" / "."), upper-cased. */
    private String mechanism() throws ImapSyntaxException {
        String m = t.atomUpper();
        for (int i = 0; i < m.length(); i++) {
            char ch = m.charAt(i);
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.')) {
                throw new ImapSyntaxException("invalid URLAUTH mechanism " + printable(m));
            }
        }
        return m;
    }

    private static void bound(int count) throws ImapSyntaxException {
        if (count > MAX_URLS) throw new ImapSyntaxException("too many URLs in one command");
    }
}
