package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.MessageMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.newAccount;
import static dev.letterbox.store.StoreFixture.usedBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Never lose mail", tested the hard way: a child JVM appends messages and acknowledges each after
 * {@code write} returns; we SIGKILL it at a random moment, twice, and check that every acknowledged
 * message is there with its bytes, and that the database is consistent.
 */
class CrashDurabilityTest {
    @TempDir
    Path dir;

    record Ack(long uid, BlobId blob, long size, int n) {}

    @Test
    void everyAcknowledgedAppendSurvivesSigkill() throws Exception {
        Path data = dir.resolve("data");
        long account;
        long inbox;
        try (SqlMailStore store = SqlMailStore.openSqlite(data)) {
            account = newAccount(store, "crash@example.com");
            inbox = mailboxId(store, account, "INBOX");
        }
        List<Ack> acks = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            acks.addAll(runAndKill(data, account, inbox, round * 1_000_000));
            verify(data, account, inbox, acks);
        }
        System.out.println("crash test: " + acks.size() + " acknowledged appends survived two SIGKILLs");
        assertTrue(acks.size() > 10, "the child acknowledged " + acks.size() + " appends");
    }

    private List<Ack> runAndKill(Path data, long account, long inbox, int firstNumber) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("child-" + firstNumber + ".log");
        Process child = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), data.toString(), Long.toString(account), Long.toString(inbox),
                Integer.toString(firstNumber))
                .redirectError(log.toFile())
                .start();
        List<Ack> acks = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line; (line = in.readLine()) != null; ) {
                    String[] f = line.split(" ");
                    if (f.length == 5 && f[0].equals("ACK")) {
                        acks.add(new Ack(Long.parseLong(f[1]), new BlobId(f[2]), Long.parseLong(f[3]), Integer.parseInt(f[4])));
                    }
                }
            } catch (java.io.IOException e) {
                // the pipe breaks when the child dies
            }
        });
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (acks.isEmpty() && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(!acks.isEmpty(), "the child acknowledged nothing; its log: " + Files.readString(log));
            Thread.sleep(ThreadLocalRandom.current().nextInt(100, 700));
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close()
        }
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        reader.join();
        return new ArrayList<>(acks);
    }

    private static void verify(Path data, long account, long inbox, List<Ack> acks) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("letterbox.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            assertEquals("ok", rs.getString(1));
        }
        try (SqlMailStore store = SqlMailStore.openSqlite(data)) {
            for (Ack ack : acks) {
                Optional<MessageMeta> m = store.read(account, tx -> tx.message(inbox, ack.uid()));
                assertTrue(m.isPresent(), "acknowledged UID " + ack.uid() + " is missing");
                assertEquals(ack.blob(), m.get().blob());
                assertEquals(ack.size(), m.get().size());
                try (var in = store.blobs().open(ack.blob())) {
                    assertArrayEquals(CrashChild.text(ack.n()).getBytes(StandardCharsets.US_ASCII), in.readAllBytes());
                }
            }
            long total = 0;
            for (MessageMeta m : store.read(account, tx -> tx.messages(inbox, 1, Long.MAX_VALUE, Integer.MAX_VALUE))) {
                assertTrue(store.blobs().exists(m.blob()), "every stored message has its blob");
                total += m.size();
            }
            assertEquals(total, usedBytes(store, account), "used_bytes is the sum of the sizes");
            assertEquals(total, store.read(account, tx -> tx.status(inbox)).sizeBytes());
        }
    }
}
