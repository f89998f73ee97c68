package dev.letterbox.imap.server;

import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.RspamdServer;
import dev.letterbox.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user moving mail into Junk teaches Debian's real rspamd (its controller, Bayes in a real redis)
 * that it is spam; moving it back out teaches ham.
 */
@Timeout(120)
class JunkLearningTest {
    @TempDir
    static Path dir;
    static RspamdServer rspamd;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        rspamd = RspamdServer.start(dir, true);
        Path password = dir.resolve("rspamd-password");
        Files.writeString(password, RspamdServer.PASSWORD + "\n");
        server = new TestServer("[antispam]\ntrusted_networks = [\"127.0.0.0/8\"]\nrspamd_controller = \""
                + rspamd.controller() + "\"\nrspamd_password_file = \"" + password + "\"\n");
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop();
        if (rspamd != null) rspamd.close();
    }

    private static int learned() {
        try {
            String stat = HttpClient.newHttpClient().send(HttpRequest.newBuilder(rspamd.controller().resolve("stat"))
                    .header("Password", RspamdServer.PASSWORD).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("\"learned\"\\s*:\\s*(\\d+)").matcher(stat);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void movingIntoJunkTeachesSpamAndOutOfJunkTeachesHam() throws Exception {
        String user = server.newUser("teacher");
        server.deliver(user, "From: someone@sender.example\r\nSubject: cheap pills\r\nMessage-ID: <p1@sender.example>\r\n\r\n"
                + "buy cheap pills online now best prices guaranteed discount pharmacy no prescription needed order today\r\n");
        server.deliver(user, "From: boss@sender.example\r\nSubject: minutes\r\nMessage-ID: <m1@sender.example>\r\n\r\n"
                + "the minutes of yesterday's meeting are attached please review the action items before friday\r\n");
        try (ImapTestClient imap = ImapTestClient.login(server, user)) {
            imap.run("a SELECT INBOX").ok();
            imap.run("b MOVE 1:2 Junk").ok();
            Eventually.until(Duration.ofSeconds(20), "two messages learned as spam", () -> learned() == 2);
            imap.run("c SELECT Junk").ok();
            imap.run("e MOVE 2 INBOX").ok(); // the minutes, second moved in
            Eventually.until(Duration.ofSeconds(20), "and one learned as ham", () -> learned() == 3);
        }
    }
}
