package dev.letterbox.managesieve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Protocol;
import dev.letterbox.store.SieveScripts;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ManageSieve transcripts over real sockets; the expected responses follow RFC 5804. */
class ManageSieveProtocolTest {
    @RegisterExtension
    static final TestServer server = new TestServer("[sieve]\nmax_script_size = \"2K\"\nmax_scripts = 3\n");

    static final String SCRIPT = "require \"fileinto\";\r\nif header :contains \"Subject\" \"[list]\" {\r\n"
            + "  fileinto \"Lists\";\r\n}\r\n";

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads capability lines up to and including the OK that ends them; returns them without it. */
    private static List<String> capabilities(LineClient c) throws Exception {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = c.readLine()) != null && !line.startsWith("OK")) {
            assertTrue(line.startsWith("\""), "a capability line: " + line);
            lines.add(line);
        }
        assertTrue(line != null, "the capability list ends with OK");
        return lines;
    }

    /** Connected, through STARTTLS, logged in as {@code user}. */
    private LineClient loggedIn(String user) throws Exception {
        LineClient c = server.connect("managesieve");
        capabilities(c);
        c.send("STARTTLS").expect("OK \"Begin TLS negotiation now\"");
        c.startTls();
        capabilities(c);
        c.send("AUTHENTICATE \"PLAIN\" \"" + plain(user, TestServer.PASSWORD) + "\"").expect("OK \"Logged in\"");
        return c;
    }

    private static String literal(String text) {
        return "{" + text.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + text;
    }

    private static SieveScripts scripts() {
        return server.server().store().sieveScripts();
    }

    @Test
    void theGreetingListsCapabilitiesAndStartTlsReissuesThem() throws Exception {
        try (LineClient c = server.connect("managesieve")) {
            List<String> before = capabilities(c);
            assertTrue(before.contains("\"IMPLEMENTATION\" \"Letterbox\""), before.toString());
            assertTrue(before.contains("\"SASL\" \"\""), "no mechanism before TLS: " + before);
            assertTrue(before.contains("\"STARTTLS\""));
            assertTrue(before.contains("\"VERSION\" \"1.0\""));
            assertTrue(before.contains("\"MAXREDIRECTS\" \"4\""));
            assertTrue(before.contains("\"UNAUTHENTICATE\""));
            String sieve = before.stream().filter(l -> l.startsWith("\"SIEVE\" ")).findFirst().orElseThrow();
            for (String ext : List.of("fileinto", "reject", "vacation", "imap4flags", "variables", "include", "regex")) {
                assertTrue((" " + sieve.substring(9, sieve.length() - 1) + " ").contains(" " + ext + " "), ext + " in " + sieve);
            }
            assertFalse(before.stream().anyMatch(l -> l.startsWith("\"NOTIFY\"") || l.startsWith("\"OWNER\"")));

            c.send("STARTTLS").expect("OK \"Begin TLS negotiation now\"");
            c.startTls();
            List<String> after = capabilities(c);
            assertTrue(after.contains("\"SASL\" \"PLAIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS\""), after.toString());
            assertFalse(after.contains("\"STARTTLS\""));
            c.send("STARTTLS").expect("NO \"TLS is already active\"");
            c.send("CAPABILITY");
            assertEquals(after, capabilities(c));
            c.send("LOGOUT").expect("OK \"Logout completed\"");
            assertTrue(c.isClosedByServer());
        }
    }

    @Test
    void noPasswordBeforeTlsAndNoScriptsBeforeLogin() throws Exception {
        String user = server.newUser("plain");
        try (LineClient c = server.connect("managesieve")) {
            capabilities(c);
            c.send("AUTHENTICATE \"PLAIN\" \"" + plain(user, TestServer.PASSWORD) + "\"")
                    .expect("NO (ENCRYPT-NEEDED) \"Authenticate over TLS (use STARTTLS)\"");
            c.send("LISTSCRIPTS").expect("NO \"Authenticate first\"");
            c.send("PUTSCRIPT \"a\" " + literal("keep;")).expect("NO \"Authenticate first\"");
            c.send("NOOP").expect("OK \"Done\"");
        }
    }

    @Test
    void bytesPipelinedAfterStartTlsAreDiscarded() throws Exception {
        String user = server.newUser("inject");
        try (LineClient c = server.connect("managesieve")) {
            capabilities(c);
            // an attacker in the middle appends a command after STARTTLS; it must not run inside TLS
            c.sendRaw("STARTTLS\r\nAUTHENTICATE \"PLAIN\" \"" + plain(user, TestServer.PASSWORD) + "\"\r\n");
            c.expect("OK \"Begin TLS negotiation now\"");
            c.startTls();
            capabilities(c);
            c.send("LISTSCRIPTS").expect("NO \"Authenticate first\"");
        }
    }

    @Test
    void authenticateWithAChallengeACancelAndAWrongPassword() throws Exception {
        String user = server.newUser("sasl");
        try (LineClient c = server.connect("managesieve")) {
            capabilities(c);
            c.send("STARTTLS").expect("OK \"Begin TLS negotiation now\"");
            c.startTls();
            capabilities(c);
            c.send("AUTHENTICATE \"DIGEST-MD5\"").expect("NO \"Unsupported authentication mechanism\"");
            c.send("AUTHENTICATE \"PLAIN\"").expect("\"\"");
            c.send("\"*\"").expect("NO \"Authentication cancelled\"");
            c.send("AUTHENTICATE \"PLAIN\" \"" + plain(user, "wrong") + "\"").expect("NO \"Authentication failed\"");
            c.send("AUTHENTICATE \"PLAIN\" \"" + Base64.getEncoder().encodeToString(("other@example.test\0" + user + "\0"
                    + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\"").expect("NO \"Acting as another user is not allowed\"");
            c.send("AUTHENTICATE \"PLAIN\"").expect("\"\"");
            c.send(literal(plain(user, TestServer.PASSWORD))).expect("OK \"Logged in\"");
            c.send("CAPABILITY");
            assertTrue(capabilities(c).contains("\"OWNER\" \"" + user + "\""));
            c.send("AUTHENTICATE \"PLAIN\" \"" + plain(user, TestServer.PASSWORD) + "\"").expect("NO \"Already authenticated\"");
            c.send("STARTTLS").expect("NO \"TLS is already active\"");
            c.send("UNAUTHENTICATE").expect("OK");
            c.send("LISTSCRIPTS").expect("NO \"Authenticate first\"");
            c.send("UNAUTHENTICATE").expect("NO \"Not authenticated\"");
        }
    }

    @Test
    void anAccountWithoutImapCannotManageFilters() throws Exception {
        String user = server.newUser("noimap");
        server.server().directory().setProtocols(user, EnumSet.of(Protocol.POP3, Protocol.SMTP));
        try (LineClient c = server.connect("managesieve")) {
            capabilities(c);
            c.send("STARTTLS").expect("OK \"Begin TLS negotiation now\"");
            c.startTls();
            capabilities(c);
            c.send("AUTHENTICATE \"PLAIN\" \"" + plain(user, TestServer.PASSWORD) + "\"")
                    .expect("NO \"Mailbox access (IMAP) is disabled for this account, and with it the filters\"");
        }
    }

    @Test
    void scriptsAreStoredListedActivatedRenamedAndDeleted() throws Exception {
        String user = server.newUser("scripts");
        long id = server.account(user).id();
        try (LineClient c = loggedIn(user)) {
            c.send("LISTSCRIPTS").expect("OK");
            c.sendRaw("PUTSCRIPT \"filters\" " + literal(SCRIPT) + "\r\n").expect("OK");
            c.sendRaw("PUTSCRIPT {13+}\r\nclever\"script {5}\r\nkeep;\r\n").expect("OK");
            c.send("LISTSCRIPTS");
            c.expect("\"clever\\\"script\"");
            c.expect("\"filters\"");
            c.expect("OK");
            c.send("SETACTIVE \"filters\"").expect("OK \"Active\"");
            assertEquals(SCRIPT, scripts().active(id).orElseThrow().content(), "the active script is what delivery runs");
            c.send("LISTSCRIPTS");
            assertEquals(List.of("\"clever\\\"script\"", "\"filters\" ACTIVE"), c.readUntil("OK"));

            c.send("GETSCRIPT \"filters\"");
            c.expect("{" + SCRIPT.length() + "}");
            assertEquals(SCRIPT + "\r\n", new String(c.readBytes(SCRIPT.length() + 2), StandardCharsets.UTF_8));
            c.expect("OK");
            c.send("GETSCRIPT \"nope\"").expect("NO (NONEXISTENT) \"There is no script of that name\"");

            c.send("DELETESCRIPT \"filters\"").expect("NO (ACTIVE) \"the active script cannot be deleted\"");
            c.send("RENAMESCRIPT \"filters\" \"clever\\\"script\"").expect("NO (ALREADYEXISTS) \"a script named clever\\\"script exists\"");
            c.send("RENAMESCRIPT \"nope\" \"x\"").expect("NO (NONEXISTENT) \"no script named nope\"");
            c.send("RENAMESCRIPT \"filters\" \"Mes filtres ✓\"").expect("OK \"Renamed\"");
            assertEquals("Mes filtres ✓", scripts().active(id).orElseThrow().name(), "still active under its new name");
            c.send("SETACTIVE \"nope\"").expect("NO (NONEXISTENT) \"no script named nope\"");
            c.send("SETACTIVE \"\"").expect("OK \"No script is active\"");
            assertTrue(scripts().active(id).isEmpty());
            c.send("DELETESCRIPT \"Mes filtres ✓\"").expect("OK \"Deleted\"");
            c.send("DELETESCRIPT \"Mes filtres ✓\"").expect("NO (NONEXISTENT) \"no script named Mes filtres ✓\"");
            c.send("NOOP \"STARTTLS-SYNC-42\"").expect("OK (TAG \"STARTTLS-SYNC-42\") \"Done\"");
            c.send("LOGOUT").expect("OK \"Logout completed\"");
        }
        assertEquals(List.of(new SieveScripts.Listed("clever\"script", false)), scripts().list(id));
    }

    @Test
    void replacingTheActiveScriptKeepsItActive() throws Exception {
        String user = server.newUser("replace");
        long id = server.account(user).id();
        try (LineClient c = loggedIn(user)) {
            c.sendRaw("PUTSCRIPT \"main\" " + literal("keep;") + "\r\n").expect("OK");
            c.send("SETACTIVE \"main\"").expect("OK \"Active\"");
            c.sendRaw("PUTSCRIPT \"main\" " + literal("discard;") + "\r\n").expect("OK");
            assertEquals(Optional.of(new SieveScripts.Script("main", "discard;", true)), scripts().active(id));
        }
    }

    @Test
    void aScriptThatDoesNotCompileIsRefusedWithItsLineAndReason() throws Exception {
        String user = server.newUser("compile");
        String bad = "require \"fileinto\";\r\nif header :contains \"subject\" \"x\" {\r\n  filein \"Lists\";\r\n}\r\n";
        try (LineClient c = loggedIn(user)) {
            String answer = c.sendRaw("CHECKSCRIPT " + literal(bad) + "\r\n").readLine();
            assertTrue(answer.startsWith("NO \"line 3: ") && answer.contains("filein"), answer);
            answer = c.sendRaw("PUTSCRIPT \"bad\" " + literal(bad) + "\r\n").readLine();
            assertTrue(answer.startsWith("NO \"line 3: "), answer);
            c.sendRaw("PUTSCRIPT \"missing-require\" " + literal("fileinto \"Lists\";") + "\r\n");
            answer = c.readLine();
            assertTrue(answer.startsWith("NO \"line 1: ") && answer.contains("require"), answer);
            c.send("LISTSCRIPTS").expect("OK");
        }
        assertTrue(scripts().list(server.account(user).id()).isEmpty(), "nothing refused was stored");
    }

    @Test
    void checkScriptAndScriptsThatAreNotUtf8() throws Exception {
        String user = server.newUser("check");
        try (LineClient c = loggedIn(user)) {
            c.sendRaw("CHECKSCRIPT " + literal(SCRIPT) + "\r\n").expect("OK \"Script is valid\"");
            byte[] latin1 = "keep;\r\n# caf\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);
            c.sendRaw(("CHECKSCRIPT {" + latin1.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            c.sendRaw(latin1).sendRaw("\r\n").expect("NO \"line 2: the script is not valid UTF-8\"");
            c.sendRaw(("PUTSCRIPT \"latin\" {" + latin1.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            c.sendRaw(latin1).sendRaw("\r\n").expect("NO \"line 2: the script is not valid UTF-8\"");
            c.send("LISTSCRIPTS").expect("OK");
        }
    }

    @Test
    void quotasOnSizeAndCount() throws Exception {
        String user = server.newUser("quota");
        try (LineClient c = loggedIn(user)) {
            c.send("HAVESPACE \"big\" 2049").expect("NO (QUOTA/MAXSIZE) \"Scripts may be at most 2048 octets\"");
            c.send("HAVESPACE \"big\" 2048").expect("OK");
            String big = "#" + "x".repeat(2100) + "\r\n";
            c.sendRaw("PUTSCRIPT \"big\" " + literal(big) + "\r\n")
                    .expect("NO (QUOTA/MAXSIZE) \"Scripts may be at most 2048 octets\"");
            c.send("NOOP").expect("OK \"Done\""); // the session is still in step: the octets were not taken for commands
            for (int i = 1; i <= 3; i++) c.sendRaw("PUTSCRIPT \"s" + i + "\" " + literal("keep;") + "\r\n").expect("OK");
            c.send("HAVESPACE \"s4\" 10").expect("NO (QUOTA/MAXSCRIPTS) \"You may keep at most 3 scripts\"");
            c.send("HAVESPACE \"s3\" 10").expect("OK");
            c.sendRaw("PUTSCRIPT \"s4\" " + literal("keep;") + "\r\n")
                    .expect("NO (QUOTA/MAXSCRIPTS) \"the account has 3 scripts, the most it may have\"");
            c.sendRaw("PUTSCRIPT \"s3\" " + literal("discard;") + "\r\n").expect("OK");
            c.send("DELETESCRIPT \"s1\"").expect("OK \"Deleted\"");
            c.sendRaw("PUTSCRIPT \"s4\" " + literal("keep;") + "\r\n").expect("OK");
        }
    }

    @Test
    void badCommandsGetNoAndTheTenthEndsTheSession() throws Exception {
        try (LineClient c = server.connect("managesieve")) {
            capabilities(c);
            c.send("FROBNICATE").expect("NO \"unknown command FROBNICATE\"");
            c.send("GETSCRIPT \"unterminated").expect("NO \"unterminated quoted string\"");
            c.send("LOGOUT please").expect("NO \"too many arguments to LOGOUT\"");
            c.sendRaw("PUTSCRIPT \"a\\q\" {6+}\r\nLOGOUT\r\n").expect("NO \"only \\\\\\\" and \\\\\\\\ may be escaped in a quoted string\"");
            c.send("NOOP").expect("OK \"Done\""); // the literal's LOGOUT was not run
            for (int i = 5; i < 10; i++) c.send("LISTSCRIPTS").expect("NO \"Authenticate first\"");
            c.send("HAVESPACE").expect("NO \"expected a string\"");
            c.expect("BYE \"Too many errors\"");
            assertTrue(c.isClosedByServer());
        }
    }

    @Test
    void aLineTooLongEndsTheSession() throws Exception {
        try (LineClient c = server.connect("managesieve")) {
            capabilities(c);
            c.send("NOOP \"" + "x".repeat(5000) + "\"").expect("BYE \"Line too long\"");
            assertTrue(c.isClosedByServer());
        }
    }
}
