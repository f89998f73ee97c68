package dev.letterbox.cli;

import dev.letterbox.http.AdminToken;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The admin API's bearer token: only its hash is kept, so a lost token is replaced, not shown again. */
@Command(name = "admin-token", mixinStandardHelpOptions = true,
        description = "Show whether an admin API token exists; --rotate makes a new one (printed once; the old one stops working).")
final class AdminTokenCommand implements Callable<Integer> {
    @Mixin
    DataOption data;

    @Option(names = "--rotate", description = "Make a new token, print it once, and invalidate the old one")
    boolean rotate;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(data.dir())) {
            throw new Main.CliExit(1, "no data directory at " + data.dir().toAbsolutePath() + " (start the server once, or pass --data DIR)");
        }
        if (rotate) {
            String token = AdminToken.rotate(data.dir());
            System.out.println("new admin API token (shown only now; the old one no longer works):");
            System.out.println(token);
            return 0;
        }
        System.out.println(AdminToken.exists(data.dir())
                ? "an admin API token is set; only its hash is stored, so it cannot be shown again"
                : "no admin API token yet; the server makes one at its first start");
        System.out.println("make a new one with: letterbox admin-token --rotate");
        return 0;
    }
}
