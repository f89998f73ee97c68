package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Protocol;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Greeting, CAPABILITY, STARTTLS, LOGIN, AUTHENTICATE PLAIN (RFC 3501 §6.1-6.2, RFC 4959, RFC 4616). */
class ImapAuthTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> caps(String line) {
        return List.of(line.substring(line.indexOf("CAPABILITY ") + 11).replaceAll("\\].*", "").split(" "));
    }

    @Test
    void plaintextPortOffersStartTlsAndDisablesLogin() throws Exception {
        try (LineClient c = server.connect("imap")) {
            String greeting = c.readLine();
            assertTrue(greeting.startsWith("* OK [CAPABILITY "), greeting);
            List<String> before = caps(greeting);
            assertTrue(before.contains("IMAP4rev1") && before.contains("STARTTLS") && before.contains("LOGINDISABLED"), greeting);
            assertFalse(before.contains("AUTH=PLAIN"), "no AUTH before TLS");
            c.send("a1 CAPABILITY");
            List<String> lines = c.readUntil("a1 OK Capability completed");
            assertEquals(1, lines.size());
            assertTrue(lines.get(0).startsWith("* CAPABILITY IMAP4rev1 "));
            String user = server.newUser("plain");
            c.send("a2 LOGIN " + user + " \"" + TestServer.PASSWORD + "\"");
            String refused = c.readLine();
            assertTrue(refused.startsWith("a2 NO [PRIVACYREQUIRED]"), refused);
            c.send("a3 AUTHENTICATE PLAIN " + plain(user, TestServer.PASSWORD));
            assertTrue(c.readLine().startsWith("a3 NO [PRIVACYREQUIRED]"));
            c.send("a4 STARTTLS");
            assertTrue(c.readLine().startsWith("a4 OK"));
            c.startTls();
            c.send("a5 CAPABILITY");
            List<String> after = caps(c.readUntil("a5 OK Capability completed").get(0));
            assertTrue(after.contains("AUTH=PLAIN") && !after.contains("STARTTLS") && !after.contains("LOGINDISABLED"), after.toString());
            c.send("a6 STARTTLS");
            assertTrue(c.readLine().startsWith("a6 BAD"));
            c.send("a7 LOGIN " + user + " \"" + TestServer.PASSWORD + "\"");
            String ok = c.readLine();
            assertTrue(ok.startsWith("a7 OK [CAPABILITY IMAP4rev1 "), ok);
            assertTrue(caps(ok).contains("IDLE") && caps(ok).contains("UIDPLUS") && caps(ok).contains("MOVE"), ok);
            c.send("a8 LOGOUT");
            assertTrue(c.readLine().startsWith("* BYE"));
            assertTrue(c.readLine().startsWith("a8 OK"));
            assertTrue(c.isClosedByServer());
        }
    }

    @Test
    void commandsPipelinedBehindStartTlsAreDiscarded() throws Exception {
        try (LineClient c = server.connect("imap")) {
            c.readLine();
            c.sendRaw("a1 STARTTLS\r\na2 NOOP\r\n");
            assertTrue(c.readLine().startsWith("a1 OK"));
            c.startTls();
            c.send("a3 NOOP");
            assertTrue(c.readLine().startsWith("a3 OK"), "a2 must never be answered");
        }
    }

    @Test
    void authenticatePlainWithInitialResponseAndWithContinuation() throws Exception {
        String user = server.newUser("sasl");
        try (ImapTestClient c = ImapTestClient.connect(server)) {
            c.run("a1 AUTHENTICATE PLAIN " + plain(user, "wrong")).no().code("AUTHENTICATIONFAILED");
            c.send("a2 AUTHENTICATE PLAIN");
            c.expectLine("+ ");
            c.send("*");
            c.expectPrefix("a2 BAD");
            c.send("a3 AUTHENTICATE PLAIN");
            c.expectLine("+ ");
            c.send(plain(user, TestServer.PASSWORD));
            assertTrue(c.collect("a3").ok().tagged().startsWith("a3 OK [CAPABILITY "));
            c.run("a4 LOGIN x y").bad();
            c.run("a5 AUTHENTICATE PLAIN " + plain(user, TestServer.PASSWORD)).bad();
        }
    }

    @Test
    void wrongPasswordAndDisabledImapAreRefusedWithCodes() throws Exception {
        String user = server.newUser("refused");
        String noImap = "noimap-" + System.nanoTime() + "@" + TestServer.DOMAIN;
        server.server().directory().addAccount(noImap, TestServer.PASSWORD.toCharArray(), 0, EnumSet.of(Protocol.POP3));
        try (ImapTestClient c = ImapTestClient.connect(server)) {
            c.run("a1 LOGIN " + user + " wrong").no().code("AUTHENTICATIONFAILED");
            c.run("a2 LOGIN nobody@example.test wrong").no().code("AUTHENTICATIONFAILED");
            c.run("a3 LOGIN " + noImap + " \"" + TestServer.PASSWORD + "\"").no().code("CONTACTADMIN");
            c.run("a4 SELECT INBOX").bad();
            c.run("a5 LOGIN " + user + " \"" + TestServer.PASSWORD + "\"").ok();
        }
    }

    @Test
    void badCommandsGetTaggedBadAndTheSessionGoesOn() throws Exception {
        String user = server.newUser("bad");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("b1 FROBNICATE").bad();
            c.run("b2 SELECT").bad();
            c.run("b3 FETCH 1 FLAGS").bad(); // no mailbox selected
            c.run("b4 SELECT \"unterminated").bad();
            c.run("b5 LOGIN a b").bad();
            c.send("+ NOOP");
            c.expectPrefix("* BAD");
            c.run("b6 NOOP").ok();
        }
    }

    @Test
    void tooLongCommandIsRefusedBeforeItsLiteral() throws Exception {
        String user = server.newUser("long");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.send("c1 SELECT {100000000}");
            c.expectPrefix("c1 BAD [TOOBIG]");
            c.run("c2 NOOP").ok();
            c.send("c3 APPEND INBOX {999999999999}");
            c.expectPrefix("c3 NO [TOOBIG]");
            c.run("c4 NOOP").ok();
        }
    }

    @Test
    void idAndNamespaceAndEnable() throws Exception {
        String user = server.newUser("ns");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("d1 ID (\"name\" \"test\")").ok().has("* ID (\"name\" \"Letterbox\" \"vendor\" \"Letterbox\")");
            c.run("d2 NAMESPACE").ok().has("* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared/\" \"/\"))");
            c.run("d3 ENABLE CONDSTORE X-UNKNOWN").ok().has("* ENABLED CONDSTORE");
            c.run("d4 ENABLE CONDSTORE").ok().has("* ENABLED");
        }
    }
}
