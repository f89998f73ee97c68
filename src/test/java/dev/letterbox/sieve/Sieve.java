package dev.letterbox.sieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

/** Test helpers: compile and run in one call, actions as short readable strings. */
final class Sieve {
    private Sieve() {}

    static final String RFC_MESSAGE = """
            Date: Tue, 1 Apr 1997 09:06:31 -0800 (PST)
            From: coyote@desert.example.org
            To: roadrunner@acme.example.com
            Subject: I have a present for you
            X-Caffeine: C8H10N4O2

            Look, I'm sorry about the whole anvil thing, and I really
            didn't mean to try and drop it on you from the top of the
            cliff.  I want to try to make it up to you.  I've got some
            great birdseed over here at my place--top of the line
            stuff--and if you come by, I'll have it all wrapped up
            for you.  I'm really sorry for all the problems I've caused
            for you over the years, but I know we can work this out.
            --
            Wile E. Coyote   "Super Genius"   coyote@desert.example.org
            """;

    static SieveResult run(String script, MessageView msg) {
        try {
            return SieveScript.compile(script).run(msg);
        } catch (SieveException e) {
            throw new AssertionError("does not compile: " + e.getMessage(), e);
        }
    }

    /** The run's actions, one short string each ("keep", "fileinto Junk", "redirect a@b.example"). */
    static List<String> actions(String script, MessageView msg) {
        SieveResult r = run(script, msg);
        if (r.error().isPresent()) return List.of("error " + r.error().get());
        return describe(r.actions());
    }

    static List<String> describe(List<Action> actions) {
        List<String> out = new ArrayList<>();
        for (Action a : actions) {
            out.add(switch (a) {
                case Action.Keep k -> (k.implicit() ? "implicit keep" : "keep") + flags(k.flags());
                case Action.FileInto f -> "fileinto " + f.mailbox() + flags(f.flags()) + (f.create() ? " :create" : "");
                case Action.Redirect r -> "redirect " + r.address() + (r.copy() ? " :copy" : "");
                case Action.Discard d -> "discard";
                case Action.Reject r -> (r.extended() ? "ereject " : "reject ") + r.reason();
                case Action.Vacation v -> "vacation " + v.reason();
            });
        }
        return out;
    }

    private static String flags(List<String> flags) {
        return flags.isEmpty() ? "" : " " + flags;
    }

    static void assertActions(String script, MessageView msg, String... expected) {
        assertEquals(List.of(expected), actions(script, msg), script);
    }

    /** The compile error as "line N: reason". */
    static String compileError(String script) {
        return assertThrows(SieveException.class, () -> SieveScript.compile(script), script).getMessage();
    }

    static void assertCompileError(String script, String expected) {
        String got = compileError(script);
        assertTrue(got.startsWith(expected), "expected \"" + expected + "\" but got \"" + got + "\"");
    }

    static void assertCompiles(String script) {
        try {
            SieveScript.compile(script);
        } catch (SieveException e) {
            throw new AssertionError("does not compile: " + e.getMessage(), e);
        }
    }
}
