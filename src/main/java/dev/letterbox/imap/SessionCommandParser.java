package dev.letterbox.imap;

import static dev.letterbox.imap.ImapParser.MAX_ITEMS;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Commands about the session itself: AUTHENTICATE, LOGIN, ID (RFC 2971), ENABLE (RFC 5161), COMPRESS (RFC 4978). */
final class SessionCommandParser extends CommandParser {
    SessionCommandParser(Tokens t, String tag, ImapParser.Context ctx) {
        super(t, tag, ctx);
    }

    ImapCommand parse(String name) throws ImapSyntaxException {
        return switch (name) {
            case "AUTHENTICATE" -> authenticate();
            case "LOGIN" -> login();
            case "ID" -> id();
            case "ENABLE" -> enable();
            case "COMPRESS" -> {
                t.sp();
                yield new ImapCommand.Compress(tag, t.atomUpper());
            }
            default -> throw new IllegalArgumentException("not a session command: " + name);
        };
    }

    private ImapCommand authenticate() throws ImapSyntaxException {
        t.sp();
        String mechanism = t.atomUpper();
        Optional<String> initial = Optional.empty();
        if (t.trySp()) {
            String ir = t.run(b -> (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                    || b == '+' || b == '/' || b == '=');
            if (ir.isEmpty()) throw new ImapSyntaxException("invalid initial response");
            initial = Optional.of(ir);
        }
        return new ImapCommand.Authenticate(tag, mechanism, initial);
    }

    private ImapCommand login() throws ImapSyntaxException {
        t.sp();
        String user = t.astring();
        t.sp();
        String password = t.astring();
        return new ImapCommand.Login(tag, user, password.toCharArray());
    }

    private ImapCommand id() throws ImapSyntaxException {
        t.sp();
        if (t.peek() != '(') {
            if (t.nstring() != null) throw new ImapSyntaxException("expected a list or NIL");
            return new ImapCommand.Id(tag, null);
        }
        Map<String, String> params = new LinkedHashMap<>();
        t.expect('(');
        if (!t.tryConsume(')')) {
            do {
                String key = t.string();
                t.sp();
                String value = t.nstring();
                if (params.size() >= 30) throw new ImapSyntaxException("more than 30 ID fields (RFC 2971 §3.3)");
                params.put(key, value);
            } while (t.trySp());
            t.expect(')');
        }
        return new ImapCommand.Id(tag, params);
    }

    private ImapCommand enable() throws ImapSyntaxException {
        List<String> caps = new ArrayList<>();
        t.sp();
        do {
            if (caps.size() >= MAX_ITEMS) throw new ImapSyntaxException("too many capabilities");
            caps.add(t.atomUpper());
        } while (t.trySp());
        return new ImapCommand.Enable(tag, caps);
    }
}
