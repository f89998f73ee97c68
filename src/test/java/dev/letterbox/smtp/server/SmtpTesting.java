package dev.letterbox.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Helpers shared by the SMTP tests: reading whole replies off a raw client, and reading INBOXes. */
final class SmtpTesting {
    private SmtpTesting() {}

    /** Reads one reply (all its lines) and returns them. */
    static List<String> reply(LineClient c) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = c.readLine();
            assertTrue(line != null, "connection closed before a reply; got so far: " + lines);
            lines.add(line);
            assertTrue(line.length() >= 3, "malformed reply line: " + line);
            if (line.length() == 3 || line.charAt(3) == ' ') return lines;
            assertEquals('-', line.charAt(3), "malformed reply line: " + line);
        }
    }

    /** Reads one reply and checks that its last line starts with {@code prefix} ("250 2.1.5"). */
    static String expect(LineClient c, String prefix) throws IOException {
        List<String> lines = reply(c);
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith(prefix), "expected '" + prefix + "...' but got " + lines);
        return last;
    }

    /** Plaintext session on the MTA port, greeted with EHLO. */
    static LineClient mta(TestServer server) throws IOException {
        LineClient c = server.connect("smtp");
        expect(c, "220 ");
        c.send("EHLO client.example.org");
        expect(c, "250 ");
        return c;
    }

    /** Implicit-TLS submission session (465), EHLO'd and logged in as {@code user}. */
    static LineClient submission(TestServer server, String user) throws IOException {
        LineClient c = server.connectTls("submissions");
        expect(c, "220 ");
        c.send("EHLO client.example.org");
        expect(c, "250 ");
        c.send("AUTH PLAIN " + plain(user, TestServer.PASSWORD));
        expect(c, "235 2.7.0");
        return c;
    }

    static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The messages in {@code user}'s INBOX, oldest first, as stored. */
    static List<byte[]> inbox(TestServer server, String user) throws IOException {
        var store = server.server().store();
        long account = server.account(user).id();
        List<MessageMeta> metas = store.read(account, tx -> {
            Mailbox inbox = tx.mailbox(Mailbox.INBOX).orElseThrow();
            return tx.messages(inbox.id(), 1, Long.MAX_VALUE, 1000);
        });
        List<byte[]> out = new ArrayList<>();
        for (MessageMeta m : metas) {
            try (InputStream in = store.blobs().open(m.blob())) {
                out.add(in.readAllBytes());
            }
        }
        return out;
    }

    static List<String> inboxText(TestServer server, String user) throws IOException {
        return inbox(server, user).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    /** The part of a stored message after the fields Letterbox put in front (Return-Path, Received). */
    static String withoutTrace(String stored) {
        assertTrue(stored.startsWith("Return-Path: <"), stored);
        int received = stored.indexOf("Received: ");
        assertTrue(received > 0, stored);
        int end = stored.indexOf(";\r\n\t", received);
        int lineEnd = stored.indexOf("\r\n", end + 4);
        return stored.substring(lineEnd + 2);
    }
}
