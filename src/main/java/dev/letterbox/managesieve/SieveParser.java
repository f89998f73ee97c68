package dev.letterbox.managesieve;

import java.nio.charset.CharacterCodingException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Turns a command's tokens into a {@link SieveCommand} (RFC 5804 §2, grammar in §4). */
public final class SieveParser {
    /** Longest script name taken, in characters (§1.6 asks servers to take at least 128). */
    public static final int MAX_NAME = 512;

    private SieveParser() {}

    public static SieveCommand parse(List<Token> tokens) throws SieveSyntaxException {
        if (tokens.isEmpty() || !(tokens.get(0) instanceof Token.Atom(String word))) {
            throw new SieveSyntaxException("expected a command name");
        }
        Args args = new Args(tokens, 1);
        String name = word.toUpperCase(Locale.ROOT);
        SieveCommand command = switch (name) {
            case "AUTHENTICATE" -> new SieveCommand.Authenticate(args.text().toUpperCase(Locale.ROOT),
                    args.more() ? Optional.of(args.text()) : Optional.empty());
            case "STARTTLS" -> new SieveCommand.StartTls();
            case "LOGOUT" -> new SieveCommand.Logout();
            case "CAPABILITY" -> new SieveCommand.Capability();
            case "HAVESPACE" -> new SieveCommand.HaveSpace(args.name(), args.number());
            case "PUTSCRIPT" -> new SieveCommand.PutScript(args.name(), args.octets());
            case "LISTSCRIPTS" -> new SieveCommand.ListScripts();
            case "SETACTIVE" -> {
                String script = args.text();
                if (!script.isEmpty()) checkName(script);
                yield new SieveCommand.SetActive(script);
            }
            case "GETSCRIPT" -> new SieveCommand.GetScript(args.name());
            case "DELETESCRIPT" -> new SieveCommand.DeleteScript(args.name());
            case "RENAMESCRIPT" -> new SieveCommand.RenameScript(args.name(), args.name());
            case "CHECKSCRIPT" -> new SieveCommand.CheckScript(args.octets());
            case "NOOP" -> new SieveCommand.Noop(args.more() ? Optional.of(args.text()) : Optional.empty());
            case "UNAUTHENTICATE" -> new SieveCommand.Unauthenticate();
            default -> throw new SieveSyntaxException("unknown command " + printable(word));
        };
        if (args.more()) throw new SieveSyntaxException("too many arguments to " + name);
        return command;
    }

    /**
     * The one string a client sends in answer to a SASL challenge (§2.1); "*" cancels.
     * @throws SieveSyntaxException when the line is anything else
     */
    public static String saslResponse(List<Token> tokens) throws SieveSyntaxException {
        Args args = new Args(tokens, 0);
        String response = args.text();
        if (args.more()) throw new SieveSyntaxException("expected one string");
        return response;
    }

    /**
     * §1.6: a name is not empty and has no control characters (U+0000-001F, U+007F-009F) and no
     * line or paragraph separators (U+2028, U+2029).
     */
    static void checkName(String name) throws SieveSyntaxException {
        if (name.isEmpty()) throw new SieveSyntaxException("a script name cannot be empty");
        if (name.codePointCount(0, name.length()) > MAX_NAME) throw new SieveSyntaxException("script name too long");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
                throw new SieveSyntaxException("a script name cannot contain control characters");
            }
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("[^\\x21-\\x7e]", "?");
    }

    /** The arguments after the command name, taken in order. */
    private static final class Args {
        private final List<Token> tokens;
        private int next;

        Args(List<Token> tokens, int first) {
            this.tokens = tokens;
            this.next = first;
        }

        boolean more() {
            return next < tokens.size();
        }

        byte[] octets() throws SieveSyntaxException {
            if (!more() || !(tokens.get(next) instanceof Token.Str(byte[] octets, boolean literal))) {
                throw new SieveSyntaxException("expected a string");
            }
            next++;
            return octets;
        }

        String text() throws SieveSyntaxException {
            try {
                return ScriptText.utf8(octets());
            } catch (CharacterCodingException e) {
                throw new SieveSyntaxException("a string is not valid UTF-8");
            }
        }

        String name() throws SieveSyntaxException {
            String name = text();
            checkName(name);
            return name;
        }

        long number() throws SieveSyntaxException {
            if (!more() || !(tokens.get(next) instanceof Token.Atom(String digits)) || !digits.matches("[0-9]{1,10}")
                    || Long.parseLong(digits) > 0xFFFF_FFFFL) {
                throw new SieveSyntaxException("expected a number");
            }
            next++;
            return Long.parseLong(digits);
        }
    }
}
