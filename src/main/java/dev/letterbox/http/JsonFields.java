package dev.letterbox.http;

import dev.letterbox.config.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields of a JSON request object, read strictly: a field the endpoint does not know is a 400
 * naming it (a typo such as {@code "quotta"} must not be silently ignored), and so is a field of
 * the wrong type.
 */
final class JsonFields {
    private final Map<String, Object> map;

    private JsonFields(Map<String, Object> map) {
        this.map = map;
    }

    /** Parses a request body that must be a JSON object with only {@code allowed} keys; empty means {}. */
    static JsonFields parse(String body, String... allowed) {
        Object value;
        if (body.isBlank()) {
            value = Map.of();
        } else {
            try {
                value = Json.parse(body);
            } catch (Json.JsonException e) {
                throw new HttpError(400, e.getMessage());
            }
        }
        if (!(value instanceof Map<?, ?> raw)) throw new HttpError(400, "expected a JSON object");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) raw;
        Set<String> known = Set.of(allowed);
        for (String key : map.keySet()) {
            if (!known.contains(key)) {
                throw new HttpError(400, "unknown field \"" + key + "\" (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
        return new JsonFields(map);
    }

    String requiredString(String key) {
        return string(key).orElseThrow(() -> new HttpError(400, "field \"" + key + "\" is required"));
    }

    Optional<String> string(String key) {
        Object v = map.get(key);
        if (v == null) return Optional.empty();
        if (!(v instanceof String s)) throw wrongType(key, "a string");
        return Optional.of(s);
    }

    boolean requiredBoolean(String key) {
        return bool(key).orElseThrow(() -> new HttpError(400, "field \"" + key + "\" is required"));
    }

    Optional<Boolean> bool(String key) {
        Object v = map.get(key);
        if (v == null) return Optional.empty();
        if (!(v instanceof Boolean b)) throw wrongType(key, "true or false");
        return Optional.of(b);
    }

    /** A byte size: a whole number of bytes, or a string such as "2G" or "500M". */
    Optional<Long> size(String key) {
        Object v = map.get(key);
        if (v == null) return Optional.empty();
        if (v instanceof Long l) return Optional.of(l); // a negative one is the directory's to refuse
        if (v instanceof String s) {
            return Optional.of(Units.parseSize(s).orElseThrow(() -> wrongType(key, "a size such as 2147483648, \"2G\" or \"500M\"")));
        }
        throw wrongType(key, "a size such as 2147483648, \"2G\" or \"500M\"");
    }

    /** A whole number (a negative one is the directory's to refuse). */
    Optional<Long> count(String key) {
        Object v = map.get(key);
        if (v == null) return Optional.empty();
        if (v instanceof Long l) return Optional.of(l);
        throw wrongType(key, "a whole number");
    }

    Optional<List<String>> strings(String key) {
        Object v = map.get(key);
        if (v == null) return Optional.empty();
        if (!(v instanceof List<?> list)) throw wrongType(key, "a list of strings");
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) throw wrongType(key, "a list of strings");
            out.add(s);
        }
        return Optional.of(out);
    }

    private static HttpError wrongType(String key, String expected) {
        return new HttpError(400, "field \"" + key + "\" must be " + expected);
    }
}
