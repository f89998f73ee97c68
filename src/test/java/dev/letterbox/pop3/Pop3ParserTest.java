package dev.letterbox.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Pop3ParserTest {
    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("USER alice@example.test", new Pop3Command.User("alice@example.test")),
                Arguments.of("user bob", new Pop3Command.User("bob")),
                Arguments.of("PASS secret with spaces", new Pop3Command.Pass("secret with spaces")),
                Arguments.of("STAT", new Pop3Command.Stat()),
                Arguments.of("stat", new Pop3Command.Stat()),
                Arguments.of("LIST", new Pop3Command.List(OptionalInt.empty())),
                Arguments.of("LIST 3", new Pop3Command.List(OptionalInt.of(3))),
                Arguments.of("UIDL", new Pop3Command.Uidl(OptionalInt.empty())),
                Arguments.of("UIDL 12", new Pop3Command.Uidl(OptionalInt.of(12))),
                Arguments.of("RETR 1", new Pop3Command.Retr(1)),
                Arguments.of("DELE 2", new Pop3Command.Dele(2)),
                Arguments.of("TOP 1 0", new Pop3Command.Top(1, 0)),
                Arguments.of("TOP 4 10", new Pop3Command.Top(4, 10)),
                Arguments.of("NOOP", new Pop3Command.Noop()),
                Arguments.of("RSET", new Pop3Command.Rset()),
                Arguments.of("QUIT", new Pop3Command.Quit()),
                Arguments.of("CAPA", new Pop3Command.Capa()),
                Arguments.of("STLS", new Pop3Command.Stls()),
                Arguments.of("AUTH", new Pop3Command.Auth(Optional.empty(), Optional.empty())),
                Arguments.of("AUTH plain", new Pop3Command.Auth(Optional.of("PLAIN"), Optional.empty())),
                Arguments.of("AUTH PLAIN AGFsaWNlAHB3", new Pop3Command.Auth(Optional.of("PLAIN"), Optional.of("AGFsaWNlAHB3"))),
                Arguments.of("AUTH PLAIN =", new Pop3Command.Auth(Optional.of("PLAIN"), Optional.of("="))),
                Arguments.of("APOP a b", new Pop3Command.Unsupported("APOP")));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parses(String line, Pop3Command expected) throws Exception {
        Pop3Command actual = Pop3Parser.parse(line);
        if (expected instanceof Pop3Command.Pass p) {
            assertEquals(p.password(), ((Pop3Command.Pass) actual).password());
        } else {
            assertEquals(expected, actual);
        }
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("", "empty command"),
                Arguments.of("XYZZY", "unknown command"),
                Arguments.of("RETR", "RETR needs exactly one argument"),
                Arguments.of("RETR 0", "RETR: invalid number"),
                Arguments.of("RETR -1", "RETR: invalid number"),
                Arguments.of("RETR x", "RETR: invalid number"),
                Arguments.of("RETR 1 2", "RETR needs exactly one argument"),
                Arguments.of("RETR 9999999999", "RETR: invalid number"),
                Arguments.of("DELE", "DELE needs exactly one argument"),
                Arguments.of("TOP 1", "usage: TOP message lines"),
                Arguments.of("TOP 1 -2", "TOP: invalid number"),
                Arguments.of("STAT 1", "STAT takes no arguments"),
                Arguments.of("QUIT now", "QUIT takes no arguments"),
                Arguments.of("USER", "USER needs exactly one argument"),
                Arguments.of("USER a b", "USER needs exactly one argument"),
                Arguments.of("USER " + "x".repeat(41), "argument too long"),
                Arguments.of("PASS", "PASS needs a password"),
                Arguments.of("AUTH PLAIN a b", "usage: AUTH mechanism [initial-response]"),
                Arguments.of("LIST 1 2", "LIST needs exactly one argument"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejects(String line, String message) {
        assertEquals(message, assertThrows(Pop3SyntaxException.class, () -> Pop3Parser.parse(line)).getMessage());
    }
}
