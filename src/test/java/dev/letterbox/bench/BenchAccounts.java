package dev.letterbox.bench;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.PasswordHasher;
import dev.letterbox.store.Protocol;
import dev.letterbox.store.sql.SqlMailStore;
import java.nio.file.Path;

/**
 * Creates the bench accounts in a data directory, the same ones the reference Dovecot has
 * ({@code testuser1..N@example.test}, one password): {@code BenchAccounts DATA_DIR N PASSWORD}.
 * Accounts that exist are left alone. Much faster than one CLI process per account.
 */
public final class BenchAccounts {
    private BenchAccounts() {}

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        String password = args[2];
        try (SqlMailStore store = SqlMailStore.openSqlite(data)) {
            Directory directory = new Directory(store.directory(), new PasswordHasher());
            if (!directory.hostsDomain("example.test")) directory.addDomain("example.test");
            int added = 0;
            for (int i = 1; i <= n; i++) {
                String address = "testuser" + i + "@example.test";
                if (directory.account(address).isPresent()) continue;
                directory.addAccount(address, password.toCharArray(), 0, Protocol.all());
                added++;
            }
            System.out.println("bench accounts: " + added + " added, " + n + " in all");
        }
    }
}
