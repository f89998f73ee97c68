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
        /** A POP3 session says QUIT first, so that its maildrop is free for the next login at once. */
        @Override
        public void close() throws IOException {
            try {
                if (ok && answer.startsWith("+OK")) {
                    client.send("QUIT");
                    client.readLine();
                }
            } catch (IOException | AssertionError e) {
                // the session may be over already (revoked): closing is all that is left
            } finally {
                client.close();
            }
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

    /** A TLS connection ready for a login command: greeted (SMTP: after EHLO; ManageSieve: after STARTTLS). */
    public static LineClient ready(TestServer server, String protocol) throws IOException {
        switch (protocol) {
            case "imap" -> {
                LineClient c = server.connectTls("imaps");
                c.expectPrefix("* OK");
                return c;
            }
            case "pop3" -> {
                LineClient c = server.connectTls("pop3s");
                c.expectPrefix("+OK");
                return c;
            }
            case "smtp" -> {
                LineClient c = server.connectTls("submissions");
                c.expectPrefix("220 ");
                c.send("EHLO client.example.org");
                readUntilPrefix(c, "250 ");
                return c;
            }
            case "managesieve" -> {
                LineClient c = server.connect("managesieve");
                readUntilPrefix(c, "OK");
                c.send("STARTTLS").expectPrefix("OK");
                c.startTls();
                readUntilPrefix(c, "OK");
                return c;
            }
            default -> throw new IllegalArgumentException(protocol);
        }
    }

    /** The outcome of a SCRAM exchange: the final line, whether it let us in, whether the server proved itself. */
    public record Scram(String answer, boolean ok, boolean serverVerified) {}

    /**
     * Runs AUTHENTICATE/AUTH {@code mechanism} with {@code client} on a {@link #ready} connection, in
     * the protocol's framing: IMAP and POP3 "+ data", SMTP "334 data", ManageSieve strings; the
     * server-final message comes as one more challenge answered with an empty line, or (ManageSieve)
     * in the OK's SASL response code.
     */
    public static Scram scram(LineClient c, String protocol, String mechanism, ScramClient client) throws IOException {
        String first = ScramClient.b64(client.clientFirst());
        switch (protocol) {
            case "imap" -> c.send("a1 AUTHENTICATE " + mechanism + " " + first);
            case "pop3", "smtp" -> c.send("AUTH " + mechanism + " " + first);
            case "managesieve" -> c.send("AUTHENTICATE \"" + mechanism + "\" \"" + first + "\"");
            default -> throw new IllegalArgumentException(protocol);
        }
        String line = c.readLine();
        String serverFirst = challenge(protocol, line);
        if (serverFirst == null) return new Scram(line, false, false);
        String last = ScramClient.b64(client.clientFinal(ScramClient.unb64(serverFirst)));
        c.send(protocol.equals("managesieve") ? "\"" + last + "\"" : last);
        line = c.readLine();
        if (protocol.equals("managesieve")) {
            boolean ok = line != null && line.startsWith("OK");
            boolean verified = ok && line.startsWith("OK (SASL \"")
                    && client.serverFinalIsValid(ScramClient.unb64(line.substring(10, line.indexOf('"', 10))));
            return new Scram(line, ok, verified);
        }
        String serverFinal = challenge(protocol, line);
        if (serverFinal == null) return new Scram(line, false, false);
        boolean verified = client.serverFinalIsValid(ScramClient.unb64(serverFinal));
        c.send("");
        line = c.readLine();
        boolean ok = line != null && switch (protocol) {
            case "imap" -> line.startsWith("a1 OK");
            case "pop3" -> line.startsWith("+OK");
            default -> line.startsWith("235 ");
        };
        return new Scram(line, ok, verified);
    }

    /** The base64 data of a challenge line, or null when the line is the exchange's end. */
    private static String challenge(String protocol, String line) {
        if (line == null) return null;
        return switch (protocol) {
            case "imap", "pop3" -> line.startsWith("+ ") ? line.substring(2) : null;
            case "smtp" -> line.startsWith("334 ") ? line.substring(4) : null;
            default -> line.startsWith("\"") ? line.substring(1, line.length() - 1) : null;
        };
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
