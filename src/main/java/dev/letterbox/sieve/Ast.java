package dev.letterbox.sieve;

import java.util.List;

/** The parse tree of RFC 5228 §8.2, before any command or test is given meaning. */
final class Ast {
    private Ast() {}

    /**
     * A command or a test: its identifier (lower case), its arguments, the tests inside it (a test
     * or test list; empty if none) and, for commands, the block (null when it ended with ";").
     */
    record Node(String name, int line, List<Arg> args, List<Node> tests, boolean testList, List<Node> block) {}

    sealed interface Arg {
        int line();
    }

    /** A string or a string list; {@code list} tells which the author wrote ("a" vs ["a"]). */
    record Strings(List<String> values, boolean list, int line) implements Arg {}

    record Number(long value, int line) implements Arg {}

    /** A tag, name in lower case with its colon (":is"). */
    record Tag(String name, int line) implements Arg {}
}
