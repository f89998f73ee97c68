package dev.letterbox.cli;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.PasswordHasher;
import dev.letterbox.config.Config;
import dev.letterbox.config.ConfigLoader;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.sql.StoreFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --data DIR} and {@code --config FILE} options every command shares, and opening the
 * store they name: the embedded one in the data directory, or the database {@code [store]} names.
 */
final class DataOption {
    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory (default: $LETTERBOX_DATA or ./data)")
    Path data;

    @Option(names = "--config", paramLabel = "FILE", description = "TOML config file (default: DATA/letterbox.toml if present)")
    Path config;

    Path dir() {
        return data != null ? data : ConfigLoader.defaultDataDir();
    }

    /** Opens the store of an existing data dir (created when {@code create}). */
    MailStore openStore(boolean create) throws java.io.IOException {
        Path dir = dir();
        if (!Files.isDirectory(dir)) {
            if (!create) throw new Main.CliExit(1, "no data directory at " + dir.toAbsolutePath() + " (start the server once, or pass --data DIR)");
            Files.createDirectories(dir);
        }
        return StoreFactory.open(loadConfig().store(), dir);
    }

    /** The config the server in this data dir uses: {@code --config}, else DATA/letterbox.toml, else defaults. */
    Config loadConfig() {
        return ConfigLoader.load(Optional.ofNullable(config),
                new ConfigLoader.Overrides(Optional.of(dir()), Optional.empty(), Optional.empty()));
    }

    static Directory directory(MailStore store) {
        return new Directory(store.directory(), new PasswordHasher());
    }
}
