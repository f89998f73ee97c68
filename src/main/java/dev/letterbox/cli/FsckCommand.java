package dev.letterbox.cli;

import dev.letterbox.server.RuntimeInfo;
import dev.letterbox.store.sql.StoreCheck;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code letterbox fsck [--repair]}: the store's invariants checked (see {@link StoreCheck}), each
 * finding on a line. Exit 0 when nothing was found (or everything found was repaired), 1 otherwise.
 */
@Command(name = "fsck", mixinStandardHelpOptions = true,
        description = {"Check the store: UIDs and UIDNEXT, MODSEQs, blob references both ways, quota sums, mailboxes,",
                "queue rows. With --repair, fix what can be fixed safely (the server must be stopped)."})
final class FsckCommand implements Callable<Integer> {
    @Mixin
    DataOption data;

    @Option(names = "--repair", description = "Fix what can be fixed safely; the server must be stopped")
    boolean repair;

    @Override
    public Integer call() throws Exception {
        if (repair && RuntimeInfo.read(data.dir()).isPresent()) {
            throw new Main.CliExit(1, "the server is running on " + data.dir().toAbsolutePath() + ": stop it before --repair"
                    + " (if it is not running, it stopped without cleaning up: delete " + data.dir().resolve("server.properties") + ")");
        }
        List<StoreCheck.Finding> findings;
        try {
            findings = StoreCheck.run(data.loadConfig().store(), data.dir(), repair);
        } catch (java.io.IOException e) {
            throw new Main.CliExit(1, e.getMessage());
        }
        for (StoreCheck.Finding f : findings) System.out.println(f);
        long open = findings.stream().filter(f -> f.repaired().isEmpty()).count();
        System.out.println(findings.isEmpty() ? "the store is consistent"
                : findings.size() + " findings, " + (findings.size() - open) + " repaired"
                        + (open > 0 && !repair ? "; run with --repair (server stopped) to fix what can be fixed" : ""));
        return open == 0 ? 0 : 1;
    }
}
