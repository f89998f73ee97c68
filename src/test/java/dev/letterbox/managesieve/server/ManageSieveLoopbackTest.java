package dev.letterbox.managesieve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With IMAP's plaintext_auth_on_loopback, ManageSieve also takes a password before TLS from loopback. */
class ManageSieveLoopbackTest {
    @RegisterExtension
    static final TestServer server = new TestServer("[imap]\nplaintext_auth_on_loopback = true\n");

    @Test
    void plainBeforeTlsFromLoopback() throws Exception {
        String user = server.newUser("loop");
        try (LineClient c = server.connect("managesieve")) {
            List<String> caps = new ArrayList<>();
            String line;
            while (!(line = c.readLine()).startsWith("OK")) caps.add(line);
            assertTrue(caps.contains("\"SASL\" \"PLAIN SCRAM-SHA-256\""), caps.toString());
            assertTrue(caps.contains("\"STARTTLS\""), "TLS is still offered: " + caps);
            String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
            c.send("AUTHENTICATE \"PLAIN\" {" + plain.length() + "+}\r\n" + plain).expect("OK \"Logged in\"");
            c.send("PUTSCRIPT \"s\" \"keep;\"").expect("OK");
            c.send("GETSCRIPT \"s\"").expect("{5}");
            assertEquals("keep;", c.readLine());
            c.expect("OK");
        }
    }
}
