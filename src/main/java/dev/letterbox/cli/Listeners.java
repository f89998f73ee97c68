package dev.letterbox.cli;

import dev.letterbox.config.Config;
import dev.letterbox.server.RuntimeInfo;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The host name and listener ports clients should be told: the running server's (from
 * DATA/server.properties) when there is one, else the configuration's.
 */
record Listeners(String hostname, Map<String, Integer> ports, boolean running) {
    static Listeners find(Path dataDir, Supplier<Config> config) {
        Optional<RuntimeInfo> info = RuntimeInfo.read(dataDir);
        if (info.isPresent()) return new Listeners(info.get().hostname(), info.get().ports(), true);
        Config cfg = config.get();
        return new Listeners(cfg.hostname(), cfg.listen().ports(), false);
    }
}
