package dev.letterbox.smtp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Turns one command line (terminator removed) into a {@link SmtpCommand}. */
public final class SmtpParser {
    /**
     * The longest command line accepted, CRLF included. RFC 5321 §4.5.3.1.4 says 512, and each
     * extension in use may add to it (RFC 1869 §4.1.2): ORCPT alone may take 500 (RFC 3461 §4.2),
     * and an AUTH initial response more (RFC 4954 §4 suggests 12288 for AUTH lines).
     */
    public static final int MAX_LINE = 4096;
    /** RFC 3461 §4.4: ENVID at most 100 characters; §4.2: ORCPT at most 500. */
    private static final int MAX_ENVID = 100, MAX_ORCPT = 500;
    private static final int MAX_PARAMETERS = 16;

    private SmtpParser() {}

    public static SmtpCommand parse(byte[] line) throws SmtpSyntaxException {
        return parse(line, 0, line.length);
    }

    public static SmtpCommand parse(byte[] line, int offset, int length) throws SmtpSyntaxException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line, offset, length)).toString();
        } catch (CharacterCodingException e) {
            throw new SmtpSyntaxException(SmtpReply.of(500, "5.5.2", "command is not valid UTF-8"));
        }
        return parse(text);
    }

    public static SmtpCommand parse(String line) throws SmtpSyntaxException {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < ' ' && c != '\t' || c == 0x7f) {
                throw new SmtpSyntaxException(SmtpReply.of(500, "5.5.2", "control characters in command"));
            }
        }
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : line.substring(space + 1);
        return switch (verb) {
            case "EHLO" -> new SmtpCommand.Ehlo(hostArgument(verb, rest));
            case "HELO" -> new SmtpCommand.Helo(hostArgument(verb, rest));
            case "MAIL" -> mail(rest);
            case "RCPT" -> rcpt(rest);
            case "DATA" -> noArguments(verb, rest, new SmtpCommand.Data());
            case "BDAT" -> bdat(rest);
            case "BURL" -> burl(rest);
            case "RSET" -> noArguments(verb, rest, new SmtpCommand.Rset());
            case "NOOP" -> new SmtpCommand.Noop(); // RFC 5321 §4.1.1.9: a parameter is ignored
            case "QUIT" -> noArguments(verb, rest, new SmtpCommand.Quit());
            case "VRFY" -> new SmtpCommand.Vrfy(required(verb, rest));
            case "EXPN" -> new SmtpCommand.Expn(required(verb, rest));
            case "HELP" -> new SmtpCommand.Help(rest.isBlank() ? Optional.empty() : Optional.of(rest.strip()));
            case "STARTTLS" -> noArguments(verb, rest, new SmtpCommand.StartTls());
            case "AUTH" -> auth(rest);
            default -> throw new SmtpSyntaxException(SmtpReply.of(500, "5.5.2", "command not recognized"));
        };
    }

    /** EHLO/HELO: a domain or address literal; taken liberally (first word, printable ASCII). */
    private static String hostArgument(String verb, String rest) throws SmtpSyntaxException {
        String arg = rest.strip();
        int sp = arg.indexOf(' ');
        if (sp >= 0) arg = arg.substring(0, sp);
        if (arg.isEmpty()) throw SmtpSyntaxException.arguments(verb + " needs your host name");
        if (arg.length() > 255 || !arg.matches("[\\x21-\\x7e]+")) throw SmtpSyntaxException.arguments("invalid host name");
        return arg;
    }

    /** RFC 5321 §4.1.1.2: "MAIL FROM:" Reverse-path [SP Mail-parameters]. */
    private static SmtpCommand mail(String rest) throws SmtpSyntaxException {
        int at = argumentStart(rest, "FROM:", "MAIL FROM:<address>");
        PathParser.Parsed path = PathParser.reversePath(rest, at);
        MailParameters params = mailParameters(parameters(rest, path.end()));
        return new SmtpCommand.Mail(path.mailbox(), params);
    }

    /** RFC 5321 §4.1.1.3: "RCPT TO:" ( "&lt;Postmaster@" Domain "&gt;" / "&lt;Postmaster&gt;" / Forward-path ) [SP Rcpt-parameters]. */
    private static SmtpCommand rcpt(String rest) throws SmtpSyntaxException {
        int at = argumentStart(rest, "TO:", "RCPT TO:<address>");
        PathParser.Parsed path = PathParser.forwardPath(rest, at);
        RcptParameters params = rcptParameters(parameters(rest, path.end()));
        return new SmtpCommand.Rcpt(path.mailbox().orElseThrow(), params);
    }

    /** Where the path starts: after the keyword, tolerating spaces around it (widely sent, harmless). */
    private static int argumentStart(String rest, String keyword, String usage) throws SmtpSyntaxException {
        int i = 0;
        while (i < rest.length() && rest.charAt(i) == ' ') i++;
        if (!rest.regionMatches(true, i, keyword, 0, keyword.length())) throw SmtpSyntaxException.arguments("usage: " + usage);
        i += keyword.length();
        while (i < rest.length() && rest.charAt(i) == ' ') i++;
        return i;
    }

    private record Param(String keyword, String value) {}

    /** esmtp-param *(SP esmtp-param); esmtp-keyword ["=" esmtp-value]. Keywords upper-cased. */
    private static java.util.List<Param> parameters(String rest, int from) throws SmtpSyntaxException {
        java.util.List<Param> out = new java.util.ArrayList<>();
        if (from < rest.length() && rest.charAt(from) != ' ') throw SmtpSyntaxException.arguments("unexpected characters after the address");
        Set<String> seen = new HashSet<>();
        for (String word : rest.substring(from).split(" ")) {
            if (word.isEmpty()) continue;
            int eq = word.indexOf('=');
            String keyword = (eq < 0 ? word : word.substring(0, eq)).toUpperCase(Locale.ROOT);
            if (!keyword.matches("[A-Z0-9][A-Z0-9-]{0,31}")) throw SmtpSyntaxException.arguments("malformed parameter");
            String value = eq < 0 ? null : word.substring(eq + 1);
            if (value != null && value.isEmpty()) throw SmtpSyntaxException.arguments("empty value for " + keyword);
            if (!seen.add(keyword)) throw SmtpSyntaxException.arguments("duplicate parameter " + keyword);
            if (out.size() >= MAX_PARAMETERS) throw SmtpSyntaxException.arguments("too many parameters");
            out.add(new Param(keyword, value));
        }
        return out;
    }

    private static MailParameters mailParameters(java.util.List<Param> params) throws SmtpSyntaxException {
        OptionalLong size = OptionalLong.empty();
        Optional<MailParameters.Body> body = Optional.empty();
        boolean utf8 = false;
        Optional<MailParameters.Ret> ret = Optional.empty();
        Optional<String> envId = Optional.empty(), auth = Optional.empty();
        for (Param p : params) {
            switch (p.keyword()) {
                case "SIZE" -> {
                    String v = value(p);
                    if (!v.matches("\\d{1,20}")) throw SmtpSyntaxException.arguments("SIZE must be a number");
                    try {
                        size = OptionalLong.of(Long.parseLong(v));
                    } catch (NumberFormatException e) {
                        size = OptionalLong.of(Long.MAX_VALUE); // more than any limit
                    }
                }
                case "BODY" -> {
                    String v = value(p).toUpperCase(Locale.ROOT);
                    body = Optional.of(switch (v) {
                        case "7BIT" -> MailParameters.Body.SEVEN_BIT;
                        case "8BITMIME" -> MailParameters.Body.EIGHT_BIT_MIME;
                        case "BINARYMIME" -> MailParameters.Body.BINARY_MIME;
                        default -> throw new SmtpSyntaxException(SmtpReply.of(501, "5.5.4", "BODY must be 7BIT, 8BITMIME or BINARYMIME"));
                    });
                }
                case "SMTPUTF8" -> {
                    if (p.value() != null) throw SmtpSyntaxException.arguments("SMTPUTF8 takes no value");
                    utf8 = true;
                }
                case "RET" -> {
                    String v = value(p).toUpperCase(Locale.ROOT);
                    if (!v.equals("FULL") && !v.equals("HDRS")) throw SmtpSyntaxException.arguments("RET must be FULL or HDRS");
                    ret = Optional.of(MailParameters.Ret.valueOf(v));
                }
                case "ENVID" -> {
                    String v = Xtext.decode(value(p)).orElseThrow(() -> SmtpSyntaxException.arguments("ENVID is not valid xtext"));
                    if (v.length() > MAX_ENVID) throw SmtpSyntaxException.arguments("ENVID too long");
                    envId = Optional.of(v);
                }
                case "AUTH" -> auth = Optional.of(Xtext.decode(value(p))
                        .orElseThrow(() -> SmtpSyntaxException.arguments("AUTH= is not valid xtext")));
                default -> throw unknownParameter(p);
            }
        }
        return new MailParameters(size, body, utf8, ret, envId, auth);
    }

    private static RcptParameters rcptParameters(java.util.List<Param> params) throws SmtpSyntaxException {
        Optional<Set<RcptParameters.Notify>> notify = Optional.empty();
        Optional<String> orcpt = Optional.empty();
        for (Param p : params) {
            switch (p.keyword()) {
                case "NOTIFY" -> notify = Optional.of(notify(value(p)));
                case "ORCPT" -> {
                    String v = value(p);
                    int semi = v.indexOf(';');
                    if (semi <= 0 || !v.substring(0, semi).matches("[A-Za-z0-9][A-Za-z0-9-]*")) {
                        throw SmtpSyntaxException.arguments("ORCPT must be addr-type;address");
                    }
                    String address = Xtext.decode(v.substring(semi + 1))
                            .orElseThrow(() -> SmtpSyntaxException.arguments("ORCPT address is not valid xtext"));
                    if (address.isEmpty() || v.length() > MAX_ORCPT) throw SmtpSyntaxException.arguments("invalid ORCPT");
                    orcpt = Optional.of(v.substring(0, semi) + ";" + address);
                }
                default -> throw unknownParameter(p);
            }
        }
        return new RcptParameters(notify, orcpt);
    }

    /** RFC 3461 §4.1: "NEVER" alone, or a comma list of SUCCESS, FAILURE, DELAY. */
    private static Set<RcptParameters.Notify> notify(String v) throws SmtpSyntaxException {
        if (v.equalsIgnoreCase("NEVER")) return Set.of();
        Set<RcptParameters.Notify> set = EnumSet.noneOf(RcptParameters.Notify.class);
        for (String part : v.split(",", -1)) {
            try {
                if (!set.add(RcptParameters.Notify.valueOf(part.toUpperCase(Locale.ROOT)))) throw new IllegalArgumentException();
            } catch (IllegalArgumentException e) {
                throw SmtpSyntaxException.arguments("NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY");
            }
        }
        return Set.copyOf(set);
    }

    private static String value(Param p) throws SmtpSyntaxException {
        if (p.value() == null) throw SmtpSyntaxException.arguments(p.keyword() + " needs a value");
        return p.value();
    }

    /** RFC 5321 §4.1.1.11 / §4.2.3: 555 for parameters not recognized. */
    private static SmtpSyntaxException unknownParameter(Param p) {
        return new SmtpSyntaxException(SmtpReply.of(555, "5.5.4", "parameter " + p.keyword() + " not recognized"));
    }

    /** RFC 3030 §2: "BDAT" SP chunk-size [ SP end-marker ]. */
    private static SmtpCommand bdat(String rest) throws SmtpSyntaxException {
        String[] parts = rest.split(" ", -1);
        if (parts.length < 1 || parts.length > 2 || !parts[0].matches("\\d{1,18}")) {
            throw SmtpSyntaxException.arguments("usage: BDAT size [LAST]");
        }
        boolean last = parts.length == 2;
        if (last && !parts[1].equalsIgnoreCase("LAST")) throw SmtpSyntaxException.arguments("usage: BDAT size [LAST]");
        return new SmtpCommand.Bdat(Long.parseLong(parts[0]), last);
    }

    /** RFC 4468 §3: "BURL" SP absolute-URI [SP end-marker]; the URL is checked when it is used. */
    private static SmtpCommand burl(String rest) throws SmtpSyntaxException {
        String[] parts = rest.split(" ", -1);
        if (parts.length < 1 || parts.length > 2 || parts[0].isEmpty()) throw SmtpSyntaxException.arguments("usage: BURL url [LAST]");
        boolean last = parts.length == 2;
        if (last && !parts[1].equalsIgnoreCase("LAST")) throw SmtpSyntaxException.arguments("usage: BURL url [LAST]");
        return new SmtpCommand.Burl(parts[0], last);
    }

    /** RFC 4954 §4: "AUTH" SP sasl-mech [SP initial-response]. */
    private static SmtpCommand auth(String rest) throws SmtpSyntaxException {
        String[] parts = rest.split(" ", -1);
        if (rest.isEmpty() || parts.length > 2 || !parts[0].matches("[A-Za-z0-9_-]{1,20}")) {
            throw SmtpSyntaxException.arguments("usage: AUTH mechanism [initial-response]");
        }
        Optional<String> initial = Optional.empty();
        if (parts.length == 2) {
            if (!parts[1].matches("[A-Za-z0-9+/]*={0,2}") || parts[1].isEmpty()) {
                throw new SmtpSyntaxException(SmtpReply.of(501, "5.5.2", "initial response is not base64"));
            }
            initial = Optional.of(parts[1].equals("=") ? "" : parts[1]);
        }
        return new SmtpCommand.Auth(parts[0].toUpperCase(Locale.ROOT), initial);
    }

    private static SmtpCommand noArguments(String verb, String rest, SmtpCommand command) throws SmtpSyntaxException {
        if (!rest.isBlank()) throw SmtpSyntaxException.arguments(verb + " takes no arguments");
        return command;
    }

    private static String required(String verb, String rest) throws SmtpSyntaxException {
        if (rest.isBlank()) throw SmtpSyntaxException.arguments(verb + " needs an argument");
        return rest.strip();
    }
}
