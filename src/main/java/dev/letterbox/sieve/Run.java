package dev.letterbox.sieve;

import dev.letterbox.sieve.SieveResult.DuplicateMark;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * The state of one run of a script (and the scripts it includes) against one message: variables,
 * match variables, the imap4flags internal variable, the header fields as edited so far, and the
 * actions collected. Compiled code reads and changes it; nothing here performs an action.
 */
final class Run {
    static final int NEXT = 0;
    static final int STOP = 1;
    static final int RETURN = 2;

    private final MessageView msg;
    private final Limits limits;
    private final long deadline;
    private int steps;
    private int line;

    private Map<String, String> locals = new HashMap<>();
    private Set<String> globalNames = new HashSet<>();
    private final Map<String, String> globals = new HashMap<>();
    private String[] matches = new String[0];
    private Map<String, Pattern> patterns;

    private final List<String> flags = new ArrayList<>();
    final Actions actions;

    private List<HeaderField> headers;
    private boolean headersChanged;
    private final Map<String, List<String>> decoded = new HashMap<>();
    // Tests see the same value strings again and again (cached header values, the body parts):
    // parse and fold each once per run.
    private final Map<String, List<Addresses.Address>> addresses = new IdentityHashMap<>();
    private final Map<String, String> folded = new IdentityHashMap<>();

    private final ArrayDeque<String> includeStack = new ArrayDeque<>();
    private final Set<String> includedOnce = new HashSet<>();
    final List<DuplicateMark> duplicateMarks = new ArrayList<>();

    Run(MessageView msg, Limits limits) {
        this.msg = msg;
        this.limits = limits;
        this.deadline = System.nanoTime() + limits.maxRunTime().toNanos();
        this.headers = msg.headers();
        this.actions = new Actions(this, limits);
    }

    MessageView msg() {
        return msg;
    }

    Limits limits() {
        return limits;
    }

    /** Called before each command and test: the line for errors, and the step and time bounds. */
    void step(int line) {
        this.line = line;
        if (++steps > limits.maxSteps()) fail("more than " + limits.maxSteps() + " commands and tests executed");
        if ((steps & 63) == 0) checkTime();
    }

    void checkTime() {
        if (System.nanoTime() - deadline > 0) {
            fail("the script ran longer than " + limits.maxRunTime().toMillis() + " ms");
        }
    }

    SieveRuntimeException fail(String reason) {
        throw new SieveRuntimeException(line, reason);
    }

    // ---- variables (RFC 5229, RFC 6609 §3.4-3.5) ----

    String variable(String name) {
        if (Character.isDigit(name.charAt(0))) {
            int n = name.length() > 2 ? 99 : Integer.parseInt(name);
            return n < matches.length && matches[n] != null ? matches[n] : "";
        }
        String v = scope(name).get(unscoped(name));
        return v == null ? "" : v;
    }

    void setVariable(String name, String value) {
        Map<String, String> scope = scope(name);
        String key = unscoped(name);
        if (!scope.containsKey(key) && locals.size() + globals.size() >= limits.maxVariables()) {
            fail("more than " + limits.maxVariables() + " variables");
        }
        scope.put(key, truncate(value));
    }

    void declareGlobal(String name) {
        globalNames.add(name);
    }

    private Map<String, String> scope(String name) {
        if (name.startsWith("global.")) return globals;
        return globalNames.contains(name) ? globals : locals;
    }

    private static String unscoped(String name) {
        return name.startsWith("global.") ? name.substring(7) : name;
    }

    /** RFC 5229 §6 lets values be cut short; never inside a surrogate pair. */
    String truncate(String value) {
        int max = limits.maxStringLength();
        if (value.length() <= max) return value;
        int end = Character.isLowSurrogate(value.charAt(max)) ? max - 1 : max;
        return value.substring(0, end);
    }

    void setMatches(String[] caps) {
        String[] m = new String[Math.min(caps.length, 10)];
        for (int i = 0; i < m.length; i++) m[i] = truncate(caps[i]);
        matches = m;
    }

    Pattern pattern(String regex, Comparator cmp) {
        if (patterns == null) patterns = new HashMap<>();
        String key = cmp.id + "\u0000" + regex;
        Pattern p = patterns.get(key);
        if (p == null) {
            try {
                p = Match.pattern(regex, cmp, line);
            } catch (SieveException e) {
                throw fail(e.reason());
            }
            patterns.put(key, p);
        }
        return p;
    }

    // ---- imap4flags internal variable (RFC 5232 §3) ----

    List<String> flags() {
        return List.copyOf(flags);
    }

    void setFlags(List<String> newFlags) {
        flags.clear();
        flags.addAll(newFlags);
    }

    // ---- header fields, as edited (RFC 5293 §5: tests see the edits) ----

    List<HeaderField> headers() {
        return headers;
    }

    boolean headersChanged() {
        return headersChanged;
    }

    void replaceHeaders(List<HeaderField> edited) {
        headers = edited;
        headersChanged = true;
        decoded.clear();
    }

    /** The values of the fields named {@code name}, unfolded, trimmed and RFC 2047 decoded. */
    List<String> header(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        List<String> cached = decoded.get(key);
        if (cached != null) return cached;
        List<String> out = new ArrayList<>(1);
        for (HeaderField f : headers) {
            if (f.name().equalsIgnoreCase(name)) out.add(decode(f.value()));
        }
        decoded.put(key, out);
        return out;
    }

    List<Addresses.Address> addresses(String field) {
        return addresses.computeIfAbsent(field, Addresses::parse);
    }

    /** {@code s} in ASCII lower case, folded once per run for strings tested repeatedly. */
    String folded(String s) {
        if (s.length() < 64) return Comparator.fold(s);
        return folded.computeIfAbsent(s, Comparator::fold);
    }

    static String decode(String raw) {
        String v = unfold(raw).strip();
        return v.contains("=?") ? DecoderUtil.decodeEncodedWords(v, DecodeMonitor.SILENT) : v;
    }

    static String unfold(String raw) {
        if (raw.indexOf('\n') < 0) return raw;
        return raw.replace("\r\n", "").replace("\n", "");
    }

    // ---- include (RFC 6609) ----

    /** Runs an included script: its own local variables, the shared globals; STOP ends everything. */
    int include(String key, boolean once, SieveScript script) {
        if (once && !includedOnce.add(key)) return NEXT;
        if (includeStack.contains(key)) fail("include loop: " + key + " includes itself");
        if (includeStack.size() >= limits.maxIncludeDepth()) {
            fail("includes nested deeper than " + limits.maxIncludeDepth());
        }
        Map<String, String> savedLocals = locals;
        Set<String> savedGlobals = globalNames;
        String[] savedMatches = matches;
        int savedLine = line;
        includeStack.push(key);
        locals = new HashMap<>();
        globalNames = new HashSet<>();
        try {
            return script.body().run(this) == STOP ? STOP : NEXT;
        } finally {
            includeStack.pop();
            locals = savedLocals;
            globalNames = savedGlobals;
            matches = savedMatches;
            line = savedLine;
        }
    }
}
