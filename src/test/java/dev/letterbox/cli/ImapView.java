package dev.letterbox.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an IMAP client sees of an account, as one transcript: its mailboxes and subscriptions, and
 * for each mailbox (EXAMINEd, so nothing changes by looking) UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ,
 * every message's UID, flags, MODSEQ, dates, size and bytes, and the expunged UIDs (QRESYNC
 * VANISHED). Two stores that give the same transcript look the same to every client.
 */
final class ImapView {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}$");
    private static final Pattern LIST = Pattern.compile("^\\* LIST \\([^)]*\\) (?:\"[^\"]*\"|NIL) (.*)$");

    private final LineClient raw;
    private int tag;

    private ImapView(LineClient raw) {
        this.raw = raw;
    }

    static List<String> of(TestServer server, String user) throws IOException {
        try (LineClient c = server.connectTls("imaps")) {
            ImapView imap = new ImapView(c);
            assertTrue(imap.response().startsWith("* OK"), "greeting");
            List<String> out = new ArrayList<>();
            imap.run("LOGIN \"" + user + "\" \"" + TestServer.PASSWORD + "\"");
            imap.run("ENABLE QRESYNC");
            List<String> mailboxes = imap.run("LIST \"\" \"*\"");
            out.addAll(mailboxes);
            out.addAll(imap.run("LSUB \"\" \"*\""));
            for (String line : mailboxes) {
                if (!line.startsWith("* LIST ")) continue;
                Matcher m = LIST.matcher(line);
                assertTrue(m.matches(), line);
                String name = m.group(1);
                if (!name.startsWith("\"")) name = "\"" + name + "\"";
                out.add("== " + name);
                out.addAll(imap.run("EXAMINE " + name));
                out.addAll(imap.run("UID FETCH 1:* (UID FLAGS MODSEQ INTERNALDATE RFC822.SIZE BODY.PEEK[]) (CHANGEDSINCE 1 VANISHED)"));
            }
            imap.run("LOGOUT");
            return out;
        }
    }

    /** Logs in as {@code user} and runs {@code commands} (untagged), each of which must end OK. */
    static void act(TestServer server, String user, String... commands) throws IOException {
        try (LineClient c = server.connectTls("imaps")) {
            ImapView imap = new ImapView(c);
            assertTrue(imap.response().startsWith("* OK"), "greeting");
            imap.run("LOGIN \"" + user + "\" \"" + TestServer.PASSWORD + "\"");
            for (String command : commands) imap.run(command);
            imap.run("LOGOUT");
        }
    }

    /** Sends a tagged command; returns its untagged responses and the tagged one (which must be OK). */
    private List<String> run(String command) throws IOException {
        String t = "v" + (++tag);
        raw.send(t + " " + command);
        List<String> out = new ArrayList<>();
        while (true) {
            String r = response();
            assertNotNull(r, "connection closed during " + command);
            out.add(r);
            if (r.startsWith(t + " ")) {
                assertTrue(r.startsWith(t + " OK"), command + " -> " + out);
                return out;
            }
        }
    }

    /** One response, literals joined in. */
    private String response() throws IOException {
        String line = raw.readLine();
        if (line == null) return null;
        StringBuilder sb = new StringBuilder(line);
        Matcher m = LITERAL.matcher(line);
        while (m.find()) {
            byte[] data = raw.readBytes(Integer.parseInt(m.group(1)));
            sb.append("\r\n").append(new String(data, StandardCharsets.UTF_8));
            String rest = raw.readLine();
            sb.append(rest);
            m = LITERAL.matcher(rest);
        }
        return sb.toString();
    }
}
