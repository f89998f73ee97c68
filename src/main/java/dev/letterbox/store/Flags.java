package dev.letterbox.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The flags of a message: the five RFC 3501 system flags as bits, plus keywords. Immutable.
 * Keywords compare case-insensitively (RFC 3501 §2.3.2) and keep the spelling they were first
 * stored with. {@code \Recent} is not a stored flag: it is per-session and lives in the IMAP layer.
 */
public final class Flags {
    public static final int SEEN = 1, ANSWERED = 2, FLAGGED = 4, DELETED = 8, DRAFT = 16;
    private static final int ALL_SYSTEM = SEEN | ANSWERED | FLAGGED | DELETED | DRAFT;
    private static final String[] SYSTEM_NAMES = {"\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"};

    public static final Flags NONE = new Flags(0, List.of());

    private final int system;
    private final List<String> keywords; // sorted case-insensitively, no case-insensitive duplicates

    private Flags(int system, List<String> keywords) {
        this.system = system & ALL_SYSTEM;
        this.keywords = keywords;
    }

    public static Flags of(int system, Collection<String> keywords) {
        if (keywords.isEmpty()) return system == 0 ? NONE : new Flags(system, List.of());
        TreeSet<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(keywords);
        return new Flags(system, List.copyOf(set));
    }

    public static Flags ofSystem(int system) {
        return of(system, List.of());
    }

    /** Parses flag names such as {@code \Seen} or {@code $Forwarded}; system flags in any case. */
    public static Flags parse(Collection<String> names) {
        int system = 0;
        List<String> keywords = new ArrayList<>();
        for (String name : names) {
            int bit = systemBit(name);
            if (bit != 0) system |= bit;
            else if (!name.startsWith("\\")) keywords.add(name);
            else throw new IllegalArgumentException("unknown system flag " + name);
        }
        return of(system, keywords);
    }

    /** The bit of a system flag name (any case), or 0 when it is not one. */
    public static int systemBit(String name) {
        for (int i = 0; i < SYSTEM_NAMES.length; i++) {
            if (SYSTEM_NAMES[i].equalsIgnoreCase(name)) return 1 << i;
        }
        return 0;
    }

    public int system() {
        return system;
    }

    public List<String> keywords() {
        return keywords;
    }

    public boolean has(int systemBit) {
        return (system & systemBit) == systemBit;
    }

    public boolean hasKeyword(String keyword) {
        for (String k : keywords) if (k.equalsIgnoreCase(keyword)) return true;
        return false;
    }

    public boolean isEmpty() {
        return system == 0 && keywords.isEmpty();
    }

    public Flags plus(Flags other) {
        if (other.keywords.isEmpty()) return of(system | other.system, keywords);
        List<String> all = new ArrayList<>(keywords);
        all.addAll(other.keywords);
        return of(system | other.system, all);
    }

    public Flags minus(Flags other) {
        List<String> left = new ArrayList<>(keywords.size());
        for (String k : keywords) if (!other.hasKeyword(k)) left.add(k);
        return of(system & ~other.system, left);
    }

    /** How many system flags there are; {@link #systemName} numbers them from 0 in protocol order. */
    public static final int SYSTEM_COUNT = SYSTEM_NAMES.length;

    /** The name of system flag {@code i} ({@code 1 << i} is its bit), for writers that list flags without a list. */
    public static String systemName(int i) {
        return SYSTEM_NAMES[i];
    }

    /** Names in protocol order: system flags first, then keywords. */
    public List<String> names() {
        List<String> out = new ArrayList<>(5 + keywords.size());
        for (int i = 0; i < SYSTEM_NAMES.length; i++) if ((system & (1 << i)) != 0) out.add(SYSTEM_NAMES[i]);
        out.addAll(keywords);
        return Collections.unmodifiableList(out);
    }

    /** The keywords as one space-separated string (for storage), or "" when there are none. */
    public String keywordString() {
        return String.join(" ", keywords);
    }

    public static Flags fromStorage(int system, String keywordString) {
        if (keywordString == null || keywordString.isEmpty()) return ofSystem(system);
        return of(system, List.of(keywordString.split(" ")));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Flags f) || f.system != system || f.keywords.size() != keywords.size()) return false;
        for (int i = 0; i < keywords.size(); i++) {
            if (!keywords.get(i).equalsIgnoreCase(f.keywords.get(i))) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = system;
        for (String k : keywords) h = 31 * h + k.toLowerCase(Locale.ROOT).hashCode();
        return h;
    }

    @Override
    public String toString() {
        return String.join(" ", names());
    }
}
