package dev.letterbox.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A password login over each protocol, on a real TLS connection: IMAP LOGIN on imaps, POP3
 * USER/PASS on pop3s, SMTP AUTH PLAIN on submissions, ManageSieve AUTHENTICATE "PLAIN" after
 * STARTTLS. Returns the open connection with the server's answer to the login; the caller closes it.
 */
public final class PasswordLogins {
    private PasswordLogins() {}

    /** The logged-in (or refused) connection and the answer line; {@code ok} from the protocol's success reply. */
    public record Attempt(LineClient client, String answer, boolean ok) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    public static final String[] PROTOCOLS = {"imap", "pop3", "smtp", "managesieve"};

    public static Attempt login(TestServer server, String protocol, String user, String password) throws IOException {
        return switch (protocol) {
            case "imap" -> imap(server, user, password);
            case "pop3" -> pop3(server, user, password);
            case "smtp" -> smtp(server, user, password);
            case "managesieve" -> manageSieve(server, user, password);
            default -> throw new IllegalArgumentException(protocol);
        };
    }

    public static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Attempt imap(TestServer server, String user, String password) throws IOException {
        LineClient c = server.connectTls("imaps");
        c.expectPrefix("* OK");
        c.send("a1 LOGIN \"" + user + "\" \"" + password + "\"");
        String r = readUntilPrefix(c, "a1 ");
        return new Attempt(c, r, r.startsWith("a1 OK"));
    }

    private static Attempt pop3(TestServer server, String user, String password) throws IOException {
        LineClient c = server.connectTls("pop3s");
        c.expectPrefix("+OK");
        c.send("USER " + user).expectPrefix("+OK");
        c.send("PASS " + password);
        String r = c.readLine();
        return new Attempt(c, r, r != null && r.startsWith("+OK"));
    }

    private static Attempt smtp(TestServer server, String user, String password) throws IOException {
        LineClient c = server.connectTls("submissions");
        c.expectPrefix("220 ");
        c.send("EHLO client.example.org");
        readUntilPrefix(c, "250 ");
        c.send("AUTH PLAIN " + plain(user, password));
        String r = c.readLine();
        return new Attempt(c, r, r != null && r.startsWith("235 "));
    }

    private static Attempt manageSieve(TestServer server, String user, String password) throws IOException {
        LineClient c = server.connect("managesieve");
        readUntilPrefix(c, "OK");
        c.send("STARTTLS").expectPrefix("OK");
        c.startTls();
        readUntilPrefix(c, "OK");
        c.send("AUTHENTICATE \"PLAIN\" \"" + plain(user, password) + "\"");
        String r = c.readLine();
        return new Attempt(c, r, r != null && r.startsWith("OK"));
    }

    /** Reads lines up to and including the first that starts with {@code prefix}; fails if the connection ends first. */
    public static String readUntilPrefix(LineClient c, String prefix) throws IOException {
        String r;
        do {
            r = c.readLine();
            if (r == null) throw new IOException("connection closed while waiting for '" + prefix + "'");
        } while (!r.startsWith(prefix));
        return r;
    }
}
