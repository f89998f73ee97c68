package dev.letterbox.server;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What a running server tells other processes on the same data dir (the CLI's {@code settings}):
 * its host name and the ports it actually listens on. Written at start to {@code DATA/server.properties}.
 */
public record RuntimeInfo(String hostname, Map<String, Integer> ports) {
    private static final String FILE = "server.properties";

    public void write(Path dataDir) throws IOException {
        Properties p = new Properties();
        p.setProperty("hostname", hostname);
        ports.forEach((name, port) -> p.setProperty("port." + name, Integer.toString(port)));
        Path tmp = dataDir.resolve(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "written by the running Letterbox server; read by 'letterbox settings'");
        }
        Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Called at shutdown, so a stopped server is not mistaken for a running one. */
    public static void remove(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException ignored) {
            // a stale file only makes 'settings' show the last ports
        }
    }

    public static Optional<RuntimeInfo> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) return Optional.empty();
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            return Optional.empty();
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith("port.")) {
                try {
                    ports.put(name.substring(5), Integer.parseInt(p.getProperty(name)));
                } catch (NumberFormatException ignored) {
                    // a hand-edited file; skip the line
                }
            }
        }
        return Optional.of(new RuntimeInfo(p.getProperty("hostname", "localhost"), ports));
    }
}
