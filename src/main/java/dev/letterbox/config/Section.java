package dev.letterbox.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * One TOML table being read. Every getter marks its key as known; {@link #finish()} then rejects any
 * key nobody asked for, so a typo in the config fails at start instead of being silently ignored.
 */
final class Section {

    private final String path; // "" for the root, "pop3", ...
    private final TomlTable table; // may be null: the section is absent
    private final Set<String> known = new HashSet<>();

    Section(String path, TomlTable table) {
        this.path = path;
        this.table = table;
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    Section section(String name) {
        known.add(name);
        if (table == null || !table.contains(name)) return new Section(key(name), null);
        Object value = table.get(List.of(name));
        if (!(value instanceof TomlTable sub)) throw new ConfigException(key(name) + ": expected a table [" + key(name) + "]");
        return new Section(key(name), sub);
    }

    /** An array of tables ([[name]] entries); empty when absent. */
    List<Section> tables(String name) {
        Object v = raw(name);
        if (v == null) return List.of();
        if (!(v instanceof TomlArray array)) throw bad(name, "tables written as [[" + key(name) + "]]");
        List<Section> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof TomlTable t)) throw bad(name, "tables written as [[" + key(name) + "]]");
            out.add(new Section(key(name) + "[" + (i + 1) + "]", t));
        }
        return out;
    }

    private Object raw(String name) {
        known.add(name);
        if (table == null || !table.contains(List.of(name))) return null;
        return table.get(List.of(name));
    }

    boolean has(String name) {
        return table != null && table.contains(List.of(name));
    }

    String string(String name, String fallback) {
        Object v = raw(name);
        if (v == null) return fallback;
        if (!(v instanceof String s)) throw bad(name, "a string");
        return s;
    }

    boolean bool(String name, boolean fallback) {
        Object v = raw(name);
        if (v == null) return fallback;
        if (!(v instanceof Boolean b)) throw bad(name, "true or false");
        return b;
    }

    long integer(String name, long fallback, long min, long max) {
        Object v = raw(name);
        if (v == null) return fallback;
        if (!(v instanceof Long l)) throw bad(name, "a whole number");
        if (l < min || l > max) throw new ConfigException(key(name) + ": " + l + " is out of range " + min + ".." + max);
        return l;
    }

    /** A port number, or {@code false} to disable the listener (returned as -1). */
    int portOrOff(String name, int fallback) {
        Object v = raw(name);
        if (v == null) return fallback;
        if (Boolean.FALSE.equals(v)) return -1;
        if (!(v instanceof Long l) || l < 0 || l > 65535) throw bad(name, "a port number 0..65535, or false to disable it");
        return l.intValue();
    }

    Duration duration(String name, Duration fallback) {
        Object v = raw(name);
        if (v == null) return fallback;
        if (!(v instanceof String s)) throw bad(name, "a duration such as \"30s\", \"10m\", \"2h\" or \"5d\"");
        return Units.parseDuration(s).orElseThrow(() -> bad(name, "a duration such as \"30s\", \"10m\", \"2h\" or \"5d\""));
    }

    List<Duration> durations(String name, List<Duration> fallback) {
        List<String> texts = strings(name, null);
        if (texts == null) return fallback;
        List<Duration> out = new ArrayList<>();
        for (String s : texts) out.add(Units.parseDuration(s).orElseThrow(() -> bad(name, "a list of durations such as [\"1m\", \"5m\"]")));
        return out;
    }

    /** A byte size: a number of bytes, or a string such as "25M", "1G", "512K" (binary units). */
    long size(String name, long fallback) {
        Object v = raw(name);
        if (v == null) return fallback;
        if (v instanceof Long l && l >= 0) return l;
        if (v instanceof String s) {
            var parsed = Units.parseSize(s);
            if (parsed.isPresent()) return parsed.get();
        }
        throw bad(name, "a size such as 26214400, \"25M\" or \"1G\"");
    }

    List<String> strings(String name, List<String> fallback) {
        Object v = raw(name);
        if (v == null) return fallback;
        if (!(v instanceof TomlArray array)) throw bad(name, "a list of strings");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof String s)) throw bad(name, "a list of strings");
            out.add(s);
        }
        return out;
    }

    /** Fails on any key of this table that no getter asked for. */
    void finish() {
        if (table == null) return;
        for (String k : table.keySet()) {
            if (!known.contains(k)) throw new ConfigException(key(k) + ": unknown key" + hint());
        }
    }

    private String hint() {
        if (known.isEmpty()) return "";
        List<String> names = new ArrayList<>(known);
        names.sort(null);
        return " (known keys here: " + String.join(", ", names) + ")";
    }

    ConfigException bad(String name, String expected) {
        return new ConfigException(key(name) + ": expected " + expected);
    }
}
