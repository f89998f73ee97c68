package dev.letterbox.bench;

import dev.letterbox.auth.PasswordHasher;
import dev.letterbox.config.ConfigLoader;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Protocol;
import dev.letterbox.store.sql.StoreFactory;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Creates {@code example.test} and {@code testuser1..N@example.test} in a data directory, all with
 * the same password, as the reference servers have them. Goes to the store directly because the
 * peers' password ("pass") is shorter than the directory's minimum for real accounts. The store is
 * the one {@code DATA_DIR/letterbox.toml} names (SQLite in the directory, or PostgreSQL), as the
 * server started on that directory will open it. Usage: {@code BenchUsers DATA_DIR N PASSWORD}.
 */
public final class BenchUsers {
    private BenchUsers() {}

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        String hash = new PasswordHasher().hash(args[2].toCharArray());
        var config = ConfigLoader.load(Optional.empty(),
                new ConfigLoader.Overrides(Optional.of(data), Optional.empty(), Optional.empty()));
        try (MailStore store = StoreFactory.open(config.store(), data)) {
            var dir = store.directory();
            if (dir.domain("example.test").isEmpty()) dir.addDomain("example.test");
            for (int i = 1; i <= n; i++) {
                String address = "testuser" + i + "@example.test";
                if (dir.account(address).isEmpty()) dir.addAccount(address, hash, 0, Protocol.all());
            }
        }
        System.out.println("created example.test and testuser1.." + n + "@example.test in " + data);
    }
}
