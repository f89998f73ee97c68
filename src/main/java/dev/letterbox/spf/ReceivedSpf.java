package dev.letterbox.spf;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The Received-SPF header field (RFC 7208 §9.1). Everything in it that came from the client or
 * from DNS is sanitised: control characters never reach the header (no field injection), comment
 * text escapes its parentheses, and values that are not dot-atoms are quoted.
 */
public final class ReceivedSpf {
    private static final int FOLD_AT = 76;

    private ReceivedSpf() {}

    /**
     * The whole field, folded, ending in CRLF, e.g.
     * <pre>
     * Received-SPF: pass (mx.example.net: domain of alice@example.org designates
     *  192.0.2.1 as permitted sender) receiver=mx.example.net; client-ip=192.0.2.1;
     *  envelope-from="alice@example.org"; helo=mail.example.org; identity=mailfrom;
     *  mechanism="ip4:192.0.2.0/24"
     * </pre>
     */
    public static String field(SpfResult result, InetAddress client, String helo, String receiver) {
        String ip = IpText.readable(client);
        List<String> pairs = new ArrayList<>();
        pairs.add("receiver=" + valueText(receiver)); // the order of the §9.1 example
        pairs.add("client-ip=" + valueText(ip));
        pairs.add("envelope-from=" + quoted(result.sender()));
        if (helo != null && !helo.isEmpty()) pairs.add("helo=" + valueText(helo));
        pairs.add("identity=" + result.identity().keyword());
        switch (result.result()) {
            case PASS, FAIL, SOFTFAIL, NEUTRAL -> pairs.add("mechanism=" + valueText(result.detail()));
            case TEMPERROR, PERMERROR -> pairs.add("problem=" + valueText(result.detail()));
            case NONE -> { } // nothing matched and nothing broke
        }
        String comment = "(" + commentText(receiver + ": " + sentence(result, ip)) + ")";

        StringBuilder field = new StringBuilder(256);
        StringBuilder line = new StringBuilder("Received-SPF: " + result.result().keyword());
        List<String> words = new ArrayList<>(List.of(comment.split(" ")));
        for (int i = 0; i < pairs.size(); i++) words.add(pairs.get(i) + (i < pairs.size() - 1 ? ";" : ""));
        for (String word : words) {
            if (line.length() + 1 + word.length() > FOLD_AT && line.length() > 1) {
                field.append(line).append("\r\n");
                line.setLength(0);
            }
            line.append(' ').append(word);
        }
        return field.append(line).append("\r\n").toString();
    }

    /** The human-readable part, in the words of the §9.1 examples. */
    private static String sentence(SpfResult r, String ip) {
        String who = "domain of " + r.sender();
        return switch (r.result()) {
            case PASS -> who + " designates " + ip + " as permitted sender";
            case FAIL -> who + " does not designate " + ip + " as permitted sender";
            case SOFTFAIL -> "transitioning " + who + " does not designate " + ip + " as permitted sender";
            case NEUTRAL -> ip + " is neither permitted nor denied by " + who;
            case NONE -> who + " does not designate permitted sender hosts";
            case TEMPERROR -> "error in processing during lookup of " + r.sender();
            case PERMERROR -> "permanent error in processing " + who;
        };
    }

    /** A dot-atom as it is, anything else as a quoted-string (RFC 5322 §3.2.3, §3.2.4). */
    static String valueText(String value) {
        return isDotAtom(value) ? value : quoted(value);
    }

    private static String quoted(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = safe(value.charAt(i));
            if (c == '"' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    private static String commentText(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = safe(text.charAt(i));
            if (c == '(' || c == ')' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        return sb.toString();
    }

    /** Control characters (CR and LF above all) become '?'; UTF-8 text stays (RFC 6532). */
    private static char safe(char c) {
        return c < 0x20 || c == 0x7F ? '?' : c;
    }

    private static boolean isDotAtom(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0;
            if (!atext) return false;
        }
        return true;
    }
}
