package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 5230 vacation and RFC 6131 vacation-seconds: every parameter resolved into the action. */
class VacationTest {
    private static Action.Vacation vacation(String script, TestMessage m) {
        SieveResult r = Sieve.run(script, m);
        assertEquals(Optional.empty(), r.error());
        return (Action.Vacation) r.actions().get(0);
    }

    @Test
    void rfcFirstExampleKeepsTheMessage() {
        String s = """
                require "vacation";
                if header :contains "subject" "cyrus" {
                    vacation "I'm out -- send mail to cyrus-bugs";
                } else {
                    vacation "I'm out -- call me at +1 304 555 0123";
                }
                """;
        assertActions(s, TestMessage.of("Subject: cyrus bug\n\n"), "vacation I'm out -- send mail to cyrus-bugs",
                "implicit keep");
        assertActions(s, TestMessage.of("Subject: hello\n\n"), "vacation I'm out -- call me at +1 304 555 0123",
                "implicit keep");
    }

    @Test
    void allParameters() {
        Action.Vacation v = vacation("""
                require ["vacation", "variables"];
                if header :matches "subject" "*" { set "s" "${1}"; }
                vacation :days 23 :addresses ["tjs@example.edu", "ts4z@landru.example.edu"]
                   :subject "Re: ${s}" :from "hemingway@example.com" :handle "ran-away" :mime
                text:
                Content-Type: text/plain

                I'm away until October 19.
                .
                ;
                """, TestMessage.of("Subject: Lunch\n\n"));
        assertEquals(Duration.ofDays(23), v.period());
        assertEquals(List.of("tjs@example.edu", "ts4z@landru.example.edu"), v.addresses());
        assertEquals(Optional.of("Re: Lunch"), v.subject());
        assertEquals(Optional.of("hemingway@example.com"), v.from());
        assertEquals("ran-away", v.handle());
        assertEquals(true, v.mime());
        assertEquals("Content-Type: text/plain\r\n\r\nI'm away until October 19.\r\n", v.reason());
    }

    @Test
    void defaultsAndDerivedHandle() {
        TestMessage m = TestMessage.of("Subject: x\n\n");
        Action.Vacation a = vacation("require \"vacation\"; vacation \"away\";", m);
        assertEquals(Duration.ofDays(7), a.period());
        assertEquals(Optional.empty(), a.subject());
        Action.Vacation b = vacation("require \"vacation\"; vacation :days 0 \"away\";", m);
        assertEquals(Duration.ofDays(1), b.period());
        assertEquals(a.handle(), b.handle());
        assertNotEquals(a.handle(), vacation("require \"vacation\"; vacation \"back soon\";", m).handle());
    }

    @Test
    void seconds() {
        TestMessage m = TestMessage.of("Subject: x\n\n");
        assertEquals(Duration.ofSeconds(1800), vacation("require \"vacation-seconds\";"
                + " vacation :addresses [\"tjs@example.edu\"] :seconds 1800 \"I am in a meeting\";", m).period());
        assertEquals(Duration.ZERO, vacation("require [\"vacation\", \"vacation-seconds\"];"
                + " vacation :seconds 0 \"always\";", m).period());
    }

    @Test
    void onceAndNotWithReject() {
        TestMessage m = TestMessage.of("Subject: x\n\n");
        assertActions("require \"vacation\"; vacation \"a\"; vacation \"b\";", m,
                "error line 1: only one vacation per message");
        assertActions("require [\"vacation\", \"reject\"]; vacation \"a\"; reject \"no\";", m,
                "error line 1: reject cannot be combined with vacation");
    }

    @Test
    void errors() {
        assertCompileError("vacation \"x\";", "line 1: vacation needs require \"vacation\"");
        assertCompileError("require \"vacation\"; vacation :seconds 5 \"x\";",
                "line 1: vacation :seconds needs require \"vacation-seconds\"");
        assertCompileError("require \"vacation-seconds\"; vacation :days 1 :seconds 5 \"x\";",
                "line 1: vacation takes one period, not both :days and :seconds");
        assertCompileError("require \"vacation\"; vacation :days \"1\" \"x\";",
                "line 1: vacation: :days's value must be a number");
    }
}
