package dev.letterbox.sieve;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * RFC 6609: finds the script an {@code include} names. Scripts are compiled once: the caller
 * usually keeps them compiled (e.g. with {@link #compiling}).
 */
@FunctionalInterface
public interface IncludeResolver {
    enum Location { PERSONAL, GLOBAL }

    IncludeResolver NONE = (location, name) -> Optional.empty();

    /** The compiled script, or empty when there is none by that name. */
    Optional<SieveScript> resolve(Location location, String name) throws SieveException;

    /** A resolver over sources, compiling each once and keeping the compiled form. */
    static IncludeResolver compiling(BiFunction<Location, String, Optional<String>> sources, Limits limits) {
        Map<String, SieveScript> compiled = new ConcurrentHashMap<>();
        return (location, name) -> {
            String key = location + "/" + name;
            SieveScript known = compiled.get(key);
            if (known != null) return Optional.of(known);
            Optional<String> source = sources.apply(location, name);
            if (source.isEmpty()) return Optional.empty();
            SieveScript script = SieveScript.compile(source.get(), limits);
            compiled.put(key, script);
            return Optional.of(script);
        };
    }
}
