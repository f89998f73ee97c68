package dev.letterbox.cli;

import dev.letterbox.config.Config;
import dev.letterbox.store.sql.SqliteBackup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code letterbox backup DIR}: a point-in-time copy of the embedded store, while the server runs (see {@link SqliteBackup}). */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Copy the store (database and message files) into DIR while the server runs: a consistent",
                "point-in-time backup. Into a DIR holding an earlier backup only new message files are copied."})
final class BackupCommand implements Callable<Integer> {
    @Mixin
    DataOption data;

    @Parameters(paramLabel = "DIR")
    Path target;

    @Override
    public Integer call() throws Exception {
        Config.Store store = data.loadConfig().store();
        if (store.backend() != Config.Store.Backend.SQLITE) {
            throw new Main.CliExit(1, "the store is PostgreSQL: back it up with pg_dump (pg_dump -Fc -f letterbox.dump DATABASE),"
                    + (store.blobs() == Config.Store.Blobs.FILES ? " then copy " + store.blobDir() + " (after the dump, so it"
                    + " has every message file the dump refers to)," : "") + " and the data directory's keys (dkim/, tls/,"
                    + " srs-secrets); letterbox backup copies the embedded store only");
        }
        Path dir = data.dir();
        if (target.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize())) {
            throw new Main.CliExit(1, "the backup must go outside the data directory " + dir);
        }
        long start = System.nanoTime();
        SqliteBackup.Summary s;
        try {
            s = SqliteBackup.backup(dir, store.blobDir(), target);
        } catch (java.io.IOException | java.sql.SQLException e) {
            throw new Main.CliExit(1, "backup failed: " + e.getMessage());
        }
        System.out.printf("backed up %d messages into %s: %d message files, %d copied now, %d no longer needed removed (%.1f s)%n",
                s.messages(), target, s.blobFiles(), s.blobsCopied(), s.blobsRemoved(), (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
