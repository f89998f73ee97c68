package dev.letterbox.cli;

import dev.letterbox.config.Config;
import dev.letterbox.store.sql.SqliteBackup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code letterbox restore DIR}: a backup made by {@code letterbox backup} into an empty data directory. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore the backup in DIR into the data directory (--data), which must be empty or absent.")
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    DataOption data;

    @Parameters(paramLabel = "DIR")
    Path source;

    @Override
    public Integer call() throws Exception {
        Config config = data.loadConfig();
        if (config.store().backend() != Config.Store.Backend.SQLITE) {
            throw new Main.CliExit(1, "the configuration names a PostgreSQL store: restore it with pg_restore");
        }
        SqliteBackup.Summary s;
        try {
            s = SqliteBackup.restore(source, data.dir(), config.store().blobDir());
        } catch (java.io.IOException | java.sql.SQLException e) {
            throw new Main.CliExit(1, "restore failed, nothing restored: " + e.getMessage());
        }
        System.out.printf("restored %d messages (%d message files) into %s%n", s.messages(), s.blobFiles(), data.dir());
        return 0;
    }
}
