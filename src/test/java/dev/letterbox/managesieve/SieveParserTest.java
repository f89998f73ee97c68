package dev.letterbox.managesieve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Command text in, record or refusal out: RFC 5804 §2's commands and §4's strings. */
class SieveParserTest {
    /** Reads from bytes the way a session reads from its connection. */
    private static CommandReader reader(String wire, long maxLiteral) {
        InputStream in = new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8));
        return new CommandReader(new CommandReader.Source() {
            @Override
            public byte[] readLine(int maxLength) throws IOException {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int b;
                while ((b = in.read()) >= 0) {
                    line.write(b);
                    if (b == '\n') break;
                }
                if (line.size() > maxLength) throw new CommandReader.LineTooLongException();
                return line.size() == 0 ? null : line.toByteArray();
            }

            @Override
            public InputStream input() {
                return in;
            }
        }, maxLiteral);
    }

    private static SieveCommand parse(String wire) throws Exception {
        return SieveParser.parse(reader(wire, 1000).read());
    }

    static Stream<Arguments> commands() {
        byte[] script = "keep;\r\n".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("AUTHENTICATE \"PLAIN\"\r\n", new SieveCommand.Authenticate("PLAIN", Optional.empty())),
                Arguments.of("Authenticate \"plain\" \"AGEAYg==\"\r\n", new SieveCommand.Authenticate("PLAIN", Optional.of("AGEAYg=="))),
                Arguments.of("authenticate \"PLAIN\" {8+}\r\nAGEAYg==\r\n", new SieveCommand.Authenticate("PLAIN", Optional.of("AGEAYg=="))),
                Arguments.of("StartTls\r\n", new SieveCommand.StartTls()),
                Arguments.of("LOGOUT\r\n", new SieveCommand.Logout()),
                Arguments.of("CAPABILITY\r\n", new SieveCommand.Capability()),
                Arguments.of("HAVESPACE \"myscript\" 999999\r\n", new SieveCommand.HaveSpace("myscript", 999999)),
                Arguments.of("LISTSCRIPTS\r\n", new SieveCommand.ListScripts()),
                Arguments.of("SETACTIVE \"vacation\"\r\n", new SieveCommand.SetActive("vacation")),
                Arguments.of("SETACTIVE \"\"\r\n", new SieveCommand.SetActive("")),
                Arguments.of("GETSCRIPT \"say \\\"hi\\\" \\\\o/\"\r\n", new SieveCommand.GetScript("say \"hi\" \\o/")),
                Arguments.of("GETSCRIPT {13+}\r\nclever\"script\r\n", new SieveCommand.GetScript("clever\"script")),
                Arguments.of("DELETESCRIPT \"été ✓\"\r\n", new SieveCommand.DeleteScript("été ✓")),
                Arguments.of("RENAMESCRIPT \"a\" \"b\"\r\n", new SieveCommand.RenameScript("a", "b")),
                Arguments.of("NOOP\r\n", new SieveCommand.Noop(Optional.empty())),
                Arguments.of("NOOP \"STARTTLS-SYNC-42\"\r\n", new SieveCommand.Noop(Optional.of("STARTTLS-SYNC-42"))),
                Arguments.of("UNAUTHENTICATE\r\n", new SieveCommand.Unauthenticate()),
                // literals: {n+} as the RFC has clients send them, {n} as some clients do
                Arguments.of("PUTSCRIPT \"s\" {7+}\r\nkeep;\r\n\r\n", new SieveCommand.PutScript("s", script)),
                Arguments.of("PUTSCRIPT \"s\" {7}\r\nkeep;\r\n\r\n", new SieveCommand.PutScript("s", script)),
                Arguments.of("PUTSCRIPT {1+}\r\ns {7+}\r\nkeep;\r\n\r\n", new SieveCommand.PutScript("s", script)),
                Arguments.of("CHECKSCRIPT {7+}\r\nkeep;\r\n\r\n", new SieveCommand.CheckScript(script)),
                Arguments.of("CHECKSCRIPT \"keep;\"\r\n", new SieveCommand.CheckScript("keep;".getBytes(StandardCharsets.UTF_8))));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void parsesEachCommand(String wire, SieveCommand expected) throws Exception {
        SieveCommand got = parse(wire);
        if (expected instanceof SieveCommand.PutScript p) {
            SieveCommand.PutScript g = assertInstanceOf(SieveCommand.PutScript.class, got);
            assertEquals(p.name(), g.name());
            assertArrayEquals(p.script(), g.script());
        } else if (expected instanceof SieveCommand.CheckScript c) {
            assertArrayEquals(c.script(), assertInstanceOf(SieveCommand.CheckScript.class, got).script());
        } else {
            assertEquals(expected, got);
        }
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("\"LOGOUT\"\r\n", "expected a command name"),
                Arguments.of("FROBNICATE\r\n", "unknown command FROBNICATE"),
                Arguments.of("LOGOUT now\r\n", "too many arguments to LOGOUT"),
                Arguments.of("GETSCRIPT\r\n", "expected a string"),
                Arguments.of("GETSCRIPT name\r\n", "expected a string"),
                Arguments.of("GETSCRIPT \"\"\r\n", "a script name cannot be empty"),
                Arguments.of("GETSCRIPT \"a\tb\"\r\n", "a script name cannot contain control characters"),
                Arguments.of("GETSCRIPT \"a\u2028b\"\r\n", "a script name cannot contain control characters"),
                Arguments.of("HAVESPACE \"a\" lots\r\n", "expected a number"),
                Arguments.of("HAVESPACE \"a\" 4294967296\r\n", "expected a number"),
                Arguments.of("GETSCRIPT \"a\\n\"\r\n", "only \\\" and \\\\ may be escaped in a quoted string"),
                Arguments.of("GETSCRIPT \"abc\r\n", "unterminated quoted string"),
                Arguments.of("GETSCRIPT \"a\"\"b\"\r\n", "expected a space after an argument"),
                Arguments.of("GETSCRIPT {3+} \"x\"\r\n", "a literal must end the line"),
                Arguments.of("GETSCRIPT {x+}\r\n", "malformed literal"),
                Arguments.of("GETSCRIPT \"" + "a".repeat(1025) + "\"\r\n", "quoted string longer than 1024 octets; use a literal"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refusesMalformedCommands(String wire, String message) {
        assertEquals(message, assertThrows(SieveSyntaxException.class, () -> parse(wire)).getMessage());
    }

    @Test
    void aNameThatIsNotUtf8IsRefused() throws Exception {
        byte[] wire = {'G', 'E', 'T', 'S', 'C', 'R', 'I', 'P', 'T', ' ', '"', (byte) 0xC3, '"', '\r', '\n'};
        // raw octets: the reader() helper would encode the text as UTF-8
        InputStream in = new ByteArrayInputStream(wire);
        CommandReader r = new CommandReader(new CommandReader.Source() {
            @Override
            public byte[] readLine(int max) throws IOException {
                return in.readAllBytes();
            }

            @Override
            public InputStream input() {
                return in;
            }
        }, 100);
        List<Token> tokens = r.read();
        assertEquals("a string is not valid UTF-8",
                assertThrows(SieveSyntaxException.class, () -> SieveParser.parse(tokens)).getMessage());
    }

    @Test
    void literalsOfABadLineAreSkippedSoTheirOctetsAreNotCommands() throws Exception {
        CommandReader r = reader("PUTSCRIPT \"a\\x\" {8+}\r\nLOGOUT\r\n\r\nNOOP\r\n", 1000);
        assertThrows(SieveSyntaxException.class, r::read);
        assertEquals(new SieveCommand.Noop(Optional.empty()), SieveParser.parse(r.read()));
        assertNull(r.read());
    }

    @Test
    void aLiteralBeyondTheLimitIsThrownAwayAndTheSessionGoesOn() throws Exception {
        CommandReader r = reader("PUTSCRIPT \"big\" {20+}\r\n01234567890123456789\r\nNOOP\r\n", 10);
        CommandReader.LiteralTooLargeException e = assertThrows(CommandReader.LiteralTooLargeException.class, r::read);
        assertEquals(20, e.size());
        assertTrue(e.discarded());
        assertEquals(new SieveCommand.Noop(Optional.empty()), SieveParser.parse(r.read()));
    }

    @Test
    void oneCommandCannotPileUpLiterals() throws Exception {
        // each literal fits the limit, together they do not: the second is thrown away, and the command refused
        String full = "x".repeat(2000);
        CommandReader r = reader("NOOP {2000+}\r\n" + full + " {2000+}\r\n" + full + "\r\nNOOP\r\n", 2000);
        CommandReader.LiteralTooLargeException e = assertThrows(CommandReader.LiteralTooLargeException.class, r::read);
        assertTrue(e.discarded());
        assertEquals(new SieveCommand.Noop(Optional.empty()), SieveParser.parse(r.read()));
        CommandReader many = reader("NOOP" + " \"x\"".repeat(8) + " {3+}\r\nabc\r\nNOOP\r\n", 1000);
        assertEquals("too many arguments", assertThrows(SieveSyntaxException.class, many::read).getMessage());
        assertEquals(new SieveCommand.Noop(Optional.empty()), SieveParser.parse(many.read()), "its literal was skipped");
    }

    @Test
    void aHugeLiteralIsNotReadAtAll() throws Exception {
        CommandReader r = reader("PUTSCRIPT \"big\" {9999999999+}\r\nxx", 10);
        assertFalse(assertThrows(CommandReader.LiteralTooLargeException.class, r::read).discarded());
    }

    @Test
    void aClientThatLeavesMidLiteralEndsTheStream() throws Exception {
        assertNull(reader("PUTSCRIPT \"s\" {100+}\r\nkeep;", 1000).read());
        assertEquals(List.of(), reader("\r\n", 10).read(), "a blank line is no command");
    }

    @Test
    void saslResponsesAreOneString() throws Exception {
        assertEquals("AGEAYg==", SieveParser.saslResponse(reader("\"AGEAYg==\"\r\n", 100).read()));
        assertEquals("AGEAYg==", SieveParser.saslResponse(reader("{8+}\r\nAGEAYg==\r\n", 100).read()));
        assertEquals("*", SieveParser.saslResponse(reader("\"*\"\r\n", 100).read()));
        assertThrows(SieveSyntaxException.class, () -> SieveParser.saslResponse(reader("AGEAYg==\r\n", 100).read()));
        assertThrows(SieveSyntaxException.class, () -> SieveParser.saslResponse(reader("\"a\" \"b\"\r\n", 100).read()));
    }
}
