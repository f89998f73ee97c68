package dev.letterbox.store.sql;

import dev.letterbox.store.NewMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.message;
import static dev.letterbox.store.StoreFixture.newAccount;

/**
 * Not a test: a quick measurement of durable appends per second with 1 and with N concurrent
 * writers (each append its own {@code write}, fsynced). Run with the test classpath:
 * {@code java -cp ... dev.letterbox.store.sql.GroupCommitBenchmark [seconds] [writers...]}.
 */
public final class GroupCommitBenchmark {
    private GroupCommitBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[] writerCounts = args.length > 1
                ? java.util.Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 32};
        for (int writers : writerCounts) {
            Path dir = Files.createTempDirectory("letterbox-bench");
            try (SqlMailStore store = SqlMailStore.openSqlite(dir)) {
                long account = newAccount(store, "bench@example.com");
                long inbox = mailboxId(store, account, "INBOX");
                NewMessage m = message(store, "Subject: bench\r\n\r\n" + "x".repeat(2000));
                AtomicInteger done = new AtomicInteger();
                long[] before = store.commitCounts();
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int w = 0; w < writers; w++) {
                        threads.submit(() -> {
                            while (System.nanoTime() < end) {
                                store.write(account, tx -> tx.append(inbox, m));
                                done.incrementAndGet();
                            }
                        });
                    }
                }
                long[] after = store.commitCounts();
                long groups = after[0] - before[0];
                System.out.printf("%3d writers: %7.0f appends/s, %6.0f commits/s, %.1f units per commit%n",
                        writers, done.get() / (double) seconds, groups / (double) seconds,
                        (after[1] - before[1]) / (double) Math.max(1, groups));
            }
        }
    }
}
