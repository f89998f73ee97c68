package dev.letterbox.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.RspamdServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Learning spam and ham through the controller of a real rspamd, its Bayes statistics in a real redis. */
class RspamdLearnerTest {
    @TempDir
    static Path dir;
    static RspamdServer rspamd;

    @BeforeAll
    static void start() throws Exception {
        rspamd = RspamdServer.start(dir, true);
    }

    @AfterAll
    static void stop() throws Exception {
        if (rspamd != null) rspamd.close();
    }

    /** Enough distinct words for rspamd's tokenizer (it learns nothing from fewer than 11 tokens). */
    static byte[] message(String subject, String words) {
        return ("From: someone@sender.example\r\nTo: bob@letterbox.test\r\nSubject: " + subject + "\r\n"
                + "Message-ID: <" + subject.hashCode() + "@sender.example>\r\n\r\n" + words + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static RspamdLearner learner(String password) {
        return new RspamdLearner(rspamd.controller(), password, Duration.ofSeconds(20));
    }

    @Test
    void spamAndHamAreLearned() throws Exception {
        byte[] spam = message("cheap pills", "buy cheap pills online now best prices guaranteed discount pharmacy "
                + "no prescription needed order today limited offer click here");
        assertInstanceOf(RspamdLearner.Result.Learned.class, learner(RspamdServer.PASSWORD).learn(RspamdLearner.Kind.SPAM, spam),
                rspamd::logTail);
        Path ham = dir.resolve("ham.eml");
        Files.write(ham, message("minutes", "the minutes of yesterday's meeting are attached please review the action "
                + "items before friday and send corrections to the list thanks everyone"));
        assertInstanceOf(RspamdLearner.Result.Learned.class, learner(RspamdServer.PASSWORD).learn(RspamdLearner.Kind.HAM, ham),
                rspamd::logTail);
        // The controller's own statistics (from redis) now count both messages.
        String stat = HttpClient.newHttpClient().send(HttpRequest.newBuilder(rspamd.controller().resolve("stat"))
                .header("Password", RspamdServer.PASSWORD).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher learned = Pattern.compile("\"learned\"\\s*:\\s*(\\d+)").matcher(stat);
        assertTrue(learned.find(), stat);
        assertEquals(2, Integer.parseInt(learned.group(1)), stat);
    }

    @Test
    void wrongPasswordIsRefused() {
        var result = learner("not-the-password").learn(RspamdLearner.Kind.SPAM,
                message("x", "one two three four five six seven eight nine ten eleven twelve thirteen"));
        var refused = assertInstanceOf(RspamdLearner.Result.Refused.class, result);
        assertEquals(401, refused.status(), refused.detail());
    }

    @Test
    void unreachableControllerIsAFailureNotAnException() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        var learner = new RspamdLearner(URI.create("http://127.0.0.1:" + closedPort + "/"), "x", Duration.ofSeconds(5));
        assertInstanceOf(RspamdLearner.Result.Failed.class, learner.learn(RspamdLearner.Kind.HAM, message("x", "y")));
    }
}
