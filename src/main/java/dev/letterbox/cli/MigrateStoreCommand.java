package dev.letterbox.cli;

import dev.letterbox.config.Config;
import dev.letterbox.server.RuntimeInfo;
import dev.letterbox.store.sql.StoreMigration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code letterbox migrate-store}: the embedded store of a data dir into PostgreSQL (see
 * {@link StoreMigration}), then the {@code [store]} lines that switch the server over.
 */
@Command(name = "migrate-store", mixinStandardHelpOptions = true,
        description = {"Copy the embedded store of the data directory into an empty PostgreSQL database, verified;",
                "run again after an interruption to go on. The server must be stopped meanwhile."})
final class MigrateStoreCommand implements Callable<Integer> {
    /** Exit code when the copy differs from the source. */
    static final int MISMATCH = 2;

    @Mixin
    DataOption data;

    @Option(names = "--to", required = true, paramLabel = "URL", description = "postgresql://user@host:port/database")
    String url;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the database user's password")
    Path passwordFile;

    @Option(names = "--batch-rows", paramLabel = "N", defaultValue = "" + StoreMigration.DEFAULT_BATCH_ROWS,
            description = "Rows copied per transaction (default: ${DEFAULT-VALUE})")
    int batchRows;

    @Option(names = "--verify-only", description = "Copy nothing: only compare the two stores")
    boolean verifyOnly;

    @Override
    public Integer call() {
        Path dir = data.dir();
        if (!Files.isRegularFile(dir.resolve("letterbox.db"))) {
            throw new Main.CliExit(1, "no embedded store in " + dir.toAbsolutePath() + " (no letterbox.db)");
        }
        if (RuntimeInfo.read(dir).isPresent()) {
            throw new Main.CliExit(1, "the server is running on " + dir.toAbsolutePath() + ": stop it first, so that no mail"
                    + " arrives during the copy (if it is not running, it stopped without cleaning up: delete "
                    + dir.resolve("server.properties") + ")");
        }
        Config.Store store = data.loadConfig().store();
        if (store.backend() != Config.Store.Backend.SQLITE) {
            throw new Main.CliExit(1, "the configuration already names a PostgreSQL store ([store] backend): nothing embedded to migrate");
        }
        if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new Main.CliExit(1, "--to: expected postgresql://user@host:port/database");
        }
        if (url.matches("[a-z]+://[^/@]*:[^/@]*@.*")) {
            throw new Main.CliExit(1, "--to: put the password in a file (--password-file), not in the URL");
        }
        Path blobDir = store.blobDir().toAbsolutePath().normalize();
        var migration = new StoreMigration(dir, blobDir, new StoreMigration.Target(url, Optional.ofNullable(passwordFile)),
                new StoreMigration.Listener() {
                    @Override
                    public void say(String line) {
                        System.out.println(line);
                    }
                });
        StoreMigration.Report report;
        if (verifyOnly) {
            report = migration.verify();
        } else {
            System.out.println("copying " + dir.resolve("letterbox.db").toAbsolutePath() + " to " + url
                    + " (keep the server stopped until letterbox.toml names the new store)");
            report = migration.migrate(batchRows);
        }
        return report(report, blobDir);
    }

    private int report(StoreMigration.Report report, Path blobDir) {
        if (report.missingFiles() > 0) {
            System.out.println("warning: " + report.missingFiles() + " of " + report.files() + " message files are missing from "
                    + blobDir + " (already before the copy: the database refers to them)");
        }
        if (!report.verified()) {
            for (StoreMigration.TableCheck t : report.tables()) {
                if (t.equal()) continue;
                System.out.println("MISMATCH " + t.table() + ": " + t.sourceRows() + " rows, sha256 " + t.sourceSha256()
                        + " here; " + t.targetRows() + " rows, sha256 " + t.targetSha256() + " in PostgreSQL");
            }
            long differ = report.tables().stream().filter(t -> !t.equal()).count();
            throw new Main.CliExit(MISMATCH, "verification failed: " + differ + " table(s) differ; do not switch to the"
                    + " PostgreSQL database (was the server or a command writing to " + data.dir() + " meanwhile?"
                    + " then stop it and migrate again into a new, empty database)");
        }
        System.out.println("verified: " + report.tables().size() + " tables, " + report.rows() + " rows, checksums equal");
        System.out.println(report.files() + (report.files() == 1 ? " message file stays" : " message files stay") + " in "
                + blobDir + ": the new store reads them there (blob_dir below; move the directory along if the server moves)");
        System.out.println();
        System.out.println("Put this [store] section in letterbox.toml, then start the server:");
        System.out.println("[store]");
        System.out.println("backend = \"postgresql\"");
        System.out.println("url = " + tomlString(url));
        if (passwordFile != null) System.out.println("password_file = " + tomlString(passwordFile.toAbsolutePath().toString()));
        System.out.println("blob_dir = " + tomlString(blobDir.toString()));
        return 0;
    }

    /** A TOML basic string: a path may hold a backslash or a quote. */
    private static String tomlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
