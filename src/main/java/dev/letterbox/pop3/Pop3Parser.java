package dev.letterbox.pop3;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** Turns one command line (terminator already removed) into a {@link Pop3Command}. */
public final class Pop3Parser {
    /** RFC 2449 §4: a command line, CRLF included, is at most 255 octets. */
    public static final int MAX_LINE = 255;
    /** RFC 2449 §4: each argument is at most 40 characters (PASS and SASL responses excepted). */
    private static final int MAX_ARGUMENT = 40;

    private Pop3Parser() {}

    public static Pop3Command parse(String line) throws Pop3SyntaxException {
        int space = line.indexOf(' ');
        String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : line.substring(space + 1);
        if (keyword.isEmpty()) throw new Pop3SyntaxException("empty command");
        return switch (keyword) {
            case "USER" -> new Pop3Command.User(oneArgument(keyword, rest));
            case "PASS" -> {
                if (rest.isEmpty()) throw new Pop3SyntaxException("PASS needs a password");
                yield new Pop3Command.Pass(rest);
            }
            case "AUTH" -> auth(rest);
            case "CAPA" -> noArguments(keyword, rest, new Pop3Command.Capa());
            case "STLS" -> noArguments(keyword, rest, new Pop3Command.Stls());
            case "QUIT" -> noArguments(keyword, rest, new Pop3Command.Quit());
            case "STAT" -> noArguments(keyword, rest, new Pop3Command.Stat());
            case "NOOP" -> noArguments(keyword, rest, new Pop3Command.Noop());
            case "RSET" -> noArguments(keyword, rest, new Pop3Command.Rset());
            case "LIST" -> new Pop3Command.List(optionalNumber(keyword, rest));
            case "UIDL" -> new Pop3Command.Uidl(optionalNumber(keyword, rest));
            case "RETR" -> new Pop3Command.Retr(number(keyword, oneArgument(keyword, rest), 1));
            case "DELE" -> new Pop3Command.Dele(number(keyword, oneArgument(keyword, rest), 1));
            case "TOP" -> top(rest);
            case "APOP" -> new Pop3Command.Unsupported(keyword);
            default -> throw new Pop3SyntaxException("unknown command");
        };
    }

    private static Pop3Command auth(String rest) throws Pop3SyntaxException {
        if (rest.isEmpty()) return new Pop3Command.Auth(Optional.empty(), Optional.empty());
        String[] parts = rest.split(" ", -1);
        if (parts.length > 2 || parts[0].isEmpty() || parts[0].length() > MAX_ARGUMENT) {
            throw new Pop3SyntaxException("usage: AUTH mechanism [initial-response]");
        }
        Optional<String> initial = parts.length == 2 ? Optional.of(parts[1]) : Optional.empty();
        if (initial.isPresent() && initial.get().isEmpty()) throw new Pop3SyntaxException("empty initial response");
        return new Pop3Command.Auth(Optional.of(parts[0].toUpperCase(Locale.ROOT)), initial);
    }

    private static Pop3Command top(String rest) throws Pop3SyntaxException {
        String[] parts = rest.split(" ", -1);
        if (parts.length != 2) throw new Pop3SyntaxException("usage: TOP message lines");
        return new Pop3Command.Top(number("TOP", parts[0], 1), number("TOP", parts[1], 0));
    }

    private static Pop3Command noArguments(String keyword, String rest, Pop3Command command) throws Pop3SyntaxException {
        if (!rest.isEmpty()) throw new Pop3SyntaxException(keyword + " takes no arguments");
        return command;
    }

    private static String oneArgument(String keyword, String rest) throws Pop3SyntaxException {
        if (rest.isEmpty() || rest.indexOf(' ') >= 0) throw new Pop3SyntaxException(keyword + " needs exactly one argument");
        if (rest.length() > MAX_ARGUMENT) throw new Pop3SyntaxException("argument too long");
        return rest;
    }

    private static OptionalInt optionalNumber(String keyword, String rest) throws Pop3SyntaxException {
        if (rest.isEmpty()) return OptionalInt.empty();
        return OptionalInt.of(number(keyword, oneArgument(keyword, rest), 1));
    }

    private static int number(String keyword, String text, int min) throws Pop3SyntaxException {
        if (text.isEmpty() || text.length() > 9) throw new Pop3SyntaxException(keyword + ": invalid number");
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') throw new Pop3SyntaxException(keyword + ": invalid number");
        }
        int n = Integer.parseInt(text);
        if (n < min) throw new Pop3SyntaxException(keyword + ": invalid number");
        return n;
    }
}
