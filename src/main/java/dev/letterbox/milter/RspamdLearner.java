package dev.letterbox.milter;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Teaches rspamd's Bayes classifier through its controller's HTTP API ({@code POST /learnspam},
 * {@code POST /learnham}, the message as the request body, the controller password in the
 * {@code Password} header), for when a user moves a message into or out of Junk.
 *
 * <p>Learning is advice, never a condition for the user's move: every outcome, failures included, is
 * a {@link Result} value and nothing is thrown. The password is sent, never logged. Safe to share
 * between threads; one HTTP client is kept for the learner's lifetime.
 */
public final class RspamdLearner {
    /** What to learn the message as. */
    public enum Kind {
        SPAM("learnspam"),
        HAM("learnham");

        private final String path;

        Kind(String path) {
            this.path = path;
        }
    }

    /** The controller's answer. */
    public sealed interface Result {
        /** The classifier learned the message. */
        record Learned() implements Result {}

        /** rspamd had learned this message already (HTTP 208): nothing to do. */
        record AlreadyLearned(String detail) implements Result {}

        /** The controller answered with an error (wrong password, too few tokens, no classifier...). */
        record Refused(int status, String detail) implements Result {}

        /** The controller could not be reached or did not answer in time. */
        record Failed(String reason) implements Result {}
    }

    /** The controller's JSON answers are short; more than this is cut. */
    private static final int MAX_ANSWER = 64 * 1024;
    private static final Pattern ERROR_FIELD = Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final URI controller;
    private final String password;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param controller the controller's base URI, e.g. {@code http://127.0.0.1:11334/}
     * @param password   the controller's (enable) password, or null when the controller needs none
     */
    public RspamdLearner(URI controller, String password, Duration timeout) {
        this.controller = controller.getPath().endsWith("/") ? controller : URI.create(controller + "/");
        this.password = password;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Learns the message stored in {@code message} (the whole file is the message). */
    public Result learn(Kind kind, Path message) {
        try {
            return send(kind, HttpRequest.BodyPublishers.ofFile(message));
        } catch (java.io.FileNotFoundException e) {
            return new Result.Failed("message file not found: " + message);
        }
    }

    /** Learns the message held in {@code message}. */
    public Result learn(Kind kind, byte[] message) {
        return send(kind, HttpRequest.BodyPublishers.ofByteArray(message));
    }

    private Result send(Kind kind, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(controller.resolve(kind.path))
                .timeout(timeout)
                .POST(body);
        if (password != null) request.header("Password", password);
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String answer;
            try (InputStream in = response.body()) {
                answer = new String(in.readNBytes(MAX_ANSWER), StandardCharsets.UTF_8);
            }
            int status = response.statusCode();
            if (status == 200) return new Result.Learned();
            if (status == 208) return new Result.AlreadyLearned(errorText(answer));
            return new Result.Refused(status, errorText(answer));
        } catch (IOException e) {
            return new Result.Failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result.Failed("interrupted");
        }
    }

    /** The "error" text of the controller's JSON answer, printable and short, for logs. */
    private static String errorText(String answer) {
        Matcher m = ERROR_FIELD.matcher(answer);
        return MilterSession.printable(m.find() ? m.group(1) : answer.strip());
    }

    @Override
    public String toString() {
        return "rspamd controller " + controller; // never the password
    }
}
