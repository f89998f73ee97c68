package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failed-login limits as an attacker meets them, over real IMAP, POP3 and SMTP connections from
 * many loopback addresses (127.0.x.y are all this machine). Each test uses its own addresses and
 * accounts, so they share one server.
 */
class LoginLimitsTest {
    /** The first turns at an account under attack are this far apart (then doubling up to 400 ms). */
    private static final long FIRST_SPACING_MS = 250;
    private static final int ACCOUNT_FREE_FAILURES = 2;

    @RegisterExtension
    static final TestServer server = new TestServer("""
            [auth]
            failures_before_delay = 100
            failures_before_block = 5
            block_time = "1m"
            account_failures_before_delay = %d
            account_max_delay = "400ms"
            [imap]
            plaintext_auth_on_loopback = true
            [pop3]
            plaintext_auth_on_loopback = true
            [smtp]
            max_errors = 50
            """.formatted(ACCOUNT_FREE_FAILURES));

    /** A login attempt's answer, in the throttle's terms. */
    enum Answer { OK, FAILED, BLOCKED, BUSY }

    /**
     * Issue 10, item 2: two guesses at someone else's account, one good login to one's own, again
     * and again. The good login clears nothing but its own account's record, so the guesses add up
     * to the block, in every protocol.
     */
    @ParameterizedTest
    @ValueSource(strings = {"imap", "pop3", "smtp"})
    void loggingInToOnesOwnAccountDoesNotWipeTheGuessesAtAnother(String protocol) throws Exception {
        String from = switch (protocol) {
            case "imap" -> "127.0.2.1";
            case "pop3" -> "127.0.2.2";
            default -> "127.0.2.3";
        };
        String victim = server.newUser("victim");
        String own = server.newUser("own");
        for (int round = 0; round < 2; round++) {
            assertEquals(Answer.FAILED, login(protocol, from, victim, "guess-" + round + "-a"));
            assertEquals(Answer.FAILED, login(protocol, from, victim, "guess-" + round + "-b"));
            assertEquals(Answer.OK, login(protocol, from, own, TestServer.PASSWORD), "round " + round);
        }
        assertEquals(Answer.FAILED, login(protocol, from, victim, "guess-2-a"), "the fifth failure from this address");
        assertEquals(Answer.BLOCKED, login(protocol, from, victim, "guess-2-b"), "... started the block");
        assertEquals(Answer.BLOCKED, login(protocol, from, own, TestServer.PASSWORD), "blocked whatever the account");
        assertEquals(Answer.OK, login(protocol, "127.0.2.9", own, TestServer.PASSWORD), "other addresses are not blocked");
    }

    /**
     * Issue 10, item 3: six addresses guess at one account in parallel, two guesses each (too few
     * for any per-address limit). After the first failures the password checks are spaced out, so
     * the guesses arrive at the rate of one address, not of six; meanwhile the owner's usual
     * address is not slowed at all, and a new address of the owner still gets in.
     */
    @Test
    void guessesAtOneAccountFromManyAddressesAreSpacedOut() throws Exception {
        String target = server.newUser("target");
        String home = "127.0.3.50";
        assertEquals(Answer.OK, login("imap", home, target, TestServer.PASSWORD), "the owner logs in as usual");

        int attackers = 6, guessesEach = 2;
        AtomicInteger failed = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long started = System.nanoTime();
        List<Future<?>> attack = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < attackers; i++) {
                String from = "127.0.3." + (10 + i);
                attack.add(pool.submit(() -> {
                    int mine = 0;
                    while (mine < guessesEach) {
                        assertTrue(System.nanoTime() < deadline, "the attack did not finish in time");
                        Answer a = login("imap", from, target, "guess-" + from + "-" + mine);
                        switch (a) {
                            case FAILED -> {
                                mine++;
                                failed.incrementAndGet();
                            }
                            case BUSY -> Thread.sleep(50); // the account's queue is full: come back
                            default -> fail(from + ": " + a);
                        }
                    }
                    return null;
                }));
            }
            while (failed.get() < ACCOUNT_FREE_FAILURES + 1) {
                assertTrue(System.nanoTime() < deadline, "no failures arrived");
                Thread.sleep(20);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(Answer.OK, login("imap", home, target, TestServer.PASSWORD),
                        "the owner's usual address skips the queue, attempt " + i);
            }
            for (Future<?> f : attack) f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        int guesses = attackers * guessesEach;
        assertEquals(guesses, failed.get());
        long atLeastMs = (guesses - ACCOUNT_FREE_FAILURES - 1) * FIRST_SPACING_MS;
        assertTrue(elapsedMs >= atLeastMs, guesses + " guesses from " + attackers + " addresses took " + elapsedMs
                + " ms; spaced out they take at least " + atLeastMs + " ms");

        // the owner on a new address: not locked out, at worst slowed down
        Answer answer;
        do {
            assertTrue(System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(10), "the owner never got in");
            answer = login("imap", "127.0.3.60", target, TestServer.PASSWORD);
            if (answer == Answer.BUSY) Thread.sleep(100);
        } while (answer == Answer.BUSY);
        assertEquals(Answer.OK, answer);
    }

    // ---------------------------------------------------------------- one login, over a new connection

    private static Answer login(String protocol, String from, String user, String password) throws IOException {
        return switch (protocol) {
            case "imap" -> imap(from, user, password);
            case "pop3" -> pop3(from, user, password);
            case "smtp" -> smtp(from, user, password);
            default -> throw new IllegalArgumentException(protocol);
        };
    }

    /** RFC 3501 §6.2.3 LOGIN on the plain port (allowed from loopback by the config). */
    private static Answer imap(String from, String user, String password) throws IOException {
        try (LineClient c = server.connectFrom(from, "imap", false)) {
            c.expectPrefix("* OK");
            c.send("a1 LOGIN \"" + user + "\" \"" + password + "\"");
            String r;
            do {
                r = c.readLine();
                assertNotNull(r, "connection closed before the answer to LOGIN");
            } while (!r.startsWith("a1 "));
            return answer(r, "a1 OK ", "a1 NO [AUTHENTICATIONFAILED]",
                    "a1 NO [UNAVAILABLE] Too many failed logins from your address",
                    "a1 NO [UNAVAILABLE] Too many failed logins for this account");
        }
    }

    /** RFC 1939 USER/PASS with RFC 2449/3206 response codes. */
    private static Answer pop3(String from, String user, String password) throws IOException {
        try (LineClient c = server.connectFrom(from, "pop3", false)) {
            c.expectPrefix("+OK");
            c.send("USER " + user).expectPrefix("+OK");
            c.send("PASS " + password);
            String r = c.readLine();
            assertNotNull(r, "connection closed before the answer to PASS");
            if (r.startsWith("+OK")) c.send("QUIT").expectPrefix("+OK"); // frees the maildrop for the next login
            return answer(r, "+OK ", "-ERR [AUTH]", "-ERR [SYS/TEMP] too many failed logins from your address",
                    "-ERR [SYS/TEMP] too many failed logins for this account");
        }
    }

    /** RFC 4954 AUTH PLAIN on the submissions port (implicit TLS). */
    private static Answer smtp(String from, String user, String password) throws IOException {
        try (LineClient c = server.connectFrom(from, "submissions", true)) {
            c.expectPrefix("220 ");
            c.send("EHLO client.example.org");
            String r;
            do {
                r = c.readLine();
                assertNotNull(r, "connection closed during EHLO");
            } while (!r.startsWith("250 "));
            String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
            c.send("AUTH PLAIN " + plain);
            r = c.readLine();
            assertNotNull(r, "connection closed before the answer to AUTH");
            return answer(r, "235 ", "535 ", "421 4.7.0", "454 4.7.0");
        }
    }

    private static Answer answer(String line, String ok, String failed, String blocked, String busy) {
        if (line.startsWith(ok)) return Answer.OK;
        if (line.startsWith(failed)) return Answer.FAILED;
        if (line.startsWith(blocked)) return Answer.BLOCKED;
        if (line.startsWith(busy)) return Answer.BUSY;
        throw new AssertionError("unexpected answer: " + line);
    }
}
