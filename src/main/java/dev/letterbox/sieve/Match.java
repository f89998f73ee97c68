package dev.letterbox.sieve;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled match: match type (RFC 5228 §2.7.1, relational RFC 5231, regex draft), comparator and
 * key list. Constant keys are turned into globs and patterns once, at compile time.
 */
final class Match {
    enum Type { IS, CONTAINS, MATCHES, REGEX, COUNT, VALUE }

    enum Relation {
        GT, GE, LT, LE, EQ, NE;

        boolean holds(int c) {
            return switch (this) {
                case GT -> c > 0;
                case GE -> c >= 0;
                case LT -> c < 0;
                case LE -> c <= 0;
                case EQ -> c == 0;
                case NE -> c != 0;
            };
        }
    }

    final Type type;
    final Relation relation;
    final Comparator comparator;
    private final List<Str> keys;
    private final Object[] compiled;
    private final boolean captures;

    Match(Type type, Relation relation, Comparator comparator, List<Str> keys, boolean captures, int line)
            throws SieveException {
        this.type = type;
        this.relation = relation;
        this.comparator = comparator;
        this.keys = keys;
        this.captures = captures;
        this.compiled = new Object[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            String k = keys.get(i).constant();
            if (k == null) continue;
            if (type == Type.MATCHES) compiled[i] = Glob.compile(k);
            else if (type == Type.REGEX) compiled[i] = pattern(k, comparator, line);
        }
    }

    static Match is(List<Str> keys) {
        try {
            return new Match(Type.IS, null, Comparator.ASCII_CASEMAP, keys, false, 0);
        } catch (SieveException e) {
            throw new AssertionError(e);
        }
    }

    static Pattern pattern(String regex, Comparator cmp, int line) throws SieveException {
        try {
            return Pattern.compile(regex, cmp == Comparator.ASCII_CASEMAP ? Pattern.CASE_INSENSITIVE : 0);
        } catch (PatternSyntaxException e) {
            throw new SieveException(line, "bad regular expression \"" + regex + "\": " + e.getDescription());
        }
    }

    /** RFC 5228 §2.7.1: true when any value matches any key; :count compares how many values there are. */
    boolean test(Run r, List<String> values) {
        if (type == Type.COUNT) {
            String count = Integer.toString(values.size());
            for (Str k : keys) if (relation.holds(comparator.compare(count, k.eval(r)))) return true;
            return false;
        }
        for (int i = 0; i < keys.size(); i++) {
            String key = null;
            for (String v : values) {
                if (key == null) key = keys.get(i).eval(r);
                if (one(r, v, key, i)) return true;
            }
        }
        return false;
    }

    private boolean one(Run r, String value, String key, int i) {
        switch (type) {
            case IS:
                return comparator.is(value, key);
            case CONTAINS:
                if (comparator == Comparator.ASCII_CASEMAP) return r.folded(value).contains(Comparator.fold(key));
                return comparator.contains(value, key);
            case VALUE:
                return relation.holds(comparator.compare(value, key));
            case MATCHES: {
                Glob g = compiled[i] != null ? (Glob) compiled[i] : Glob.compile(key);
                // The linear scan decides; the capturing search only runs on a text known to match.
                if (!g.matches(value, comparator)) return false;
                if (!captures) return true;
                String[] caps = g.match(value, comparator, r);
                if (caps == null) return false;
                r.setMatches(caps);
                return true;
            }
            default: {
                Pattern p = compiled[i] != null ? (Pattern) compiled[i] : r.pattern(key, comparator);
                Matcher m = p.matcher(new DeadlineChars(value, r));
                if (!m.find()) return false;
                if (captures) {
                    String[] caps = new String[Math.min(m.groupCount(), 9) + 1];
                    for (int g = 0; g < caps.length; g++) caps[g] = m.group(g) == null ? "" : m.group(g);
                    r.setMatches(caps);
                }
                return true;
            }
        }
    }
}
