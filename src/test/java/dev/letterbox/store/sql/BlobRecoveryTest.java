package dev.letterbox.store.sql;

import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.message;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.NewMessage;
import dev.letterbox.store.blob.FileBlobStore;
import dev.letterbox.testing.LogCapture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery at start: what a crash leaves among the blob files goes — partial blobs at once, blobs
 * nothing refers to once they are old enough — but never a file someone is still writing, in this
 * process or another, and never a blob a delivery may still be about to refer to.
 */
class BlobRecoveryTest {
    private static final String BIG = "x".repeat(SqlBlobStore.INLINE_LIMIT + 1); // a file, not a row

    @TempDir
    Path dir;

    @Test
    void startUpRemovesPartialBlobsAtOnceAndUnreferencedOnesWhenOld() throws Exception {
        Path data = dir.resolve("data");
        FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        try (SqlMailStore writing = SqlMailStore.openSqlite(data)) {
            writing.recovery().get(10, TimeUnit.SECONDS); // its own start is over before the debris is made
            long a = newAccount(writing, "alice@example.com");
            NewMessage kept = message(writing, "referenced" + BIG);
            append(writing, a, mailboxId(writing, a, "INBOX"), kept);
            BlobId orphan = message(writing, "never delivered" + BIG).blob();
            BlobId young = message(writing, "delivery in progress" + BIG).blob();
            for (BlobId old : List.of(kept.blob(), orphan)) Files.setLastModifiedTime(blobPath(data, old), twoHoursAgo);
            Path stale = Files.write(data.resolve("blobs/tmp/0123456789abcdef0123456789abcdef"), new byte[1000]);
            Files.setLastModifiedTime(stale, twoHoursAgo);
            Files.write(data.resolve("blobs/tmp/fedcba9876543210fedcba9876543210"), new byte[2000]); // a crash a moment ago

            // a delivery of this process (the CLI in the server's JVM, say) is writing a blob right now
            List<Path> before = tempFiles(data);
            try (BlobStore.BlobWriter live = writing.blobs().create()) {
                live.stream().write(("live" + BIG).getBytes(StandardCharsets.US_ASCII));
                live.stream().flush();
                Path liveFile = tempFiles(data).stream().filter(p -> !before.contains(p)).findFirst().orElseThrow();

                try (LogCapture log = LogCapture.of("letterbox.store"); SqlMailStore starting = SqlMailStore.openSqlite(data)) {
                    FileBlobStore.Swept swept = starting.recovery().get(10, TimeUnit.SECONDS);
                    assertEquals(new FileBlobStore.Swept(2, 3000, 1, ("never delivered" + BIG).length()), swept);
                    assertTrue(log.lines().contains("recovery: removed 2 partial blobs (3.0 KB) and 1 unreferenced blob (131.1 KB)"),
                            log.lines().toString());
                    assertTrue(Files.exists(liveFile), "a blob being written is not debris");
                    assertTrue(starting.blobs().exists(kept.blob()));
                    assertTrue(starting.blobs().exists(young), "an unreferenced blob younger than an hour may be about to be delivered");
                    assertFalse(starting.blobs().exists(orphan));
                }
                BlobId committed = live.commit();
                assertTrue(writing.blobs().exists(committed), "the live writer finished its blob");
            }
        }
    }

    /**
     * Two other processes are writing a blob each (a {@code letterbox deliver}, say) while a store
     * starts on the same data dir: both files are theirs, nothing is removed. One writer finishes,
     * the other is killed mid-write; the next start removes its partial blob, and only that.
     */
    @Test
    void aWriterKilledMidWriteLeavesAPartialBlobThatTheNextStartRemoves() throws Exception {
        Path data = dir.resolve("data");
        SqlMailStore.openSqlite(data).close();
        Process finishing = writer(data, "finishing");
        Process killed = writer(data, "killed");
        try {
            assertEquals("WRITING", line(finishing), "the writer started; its log: " + Files.readString(dir.resolve("finishing.err")));
            assertEquals("WRITING", line(killed), "the writer started; its log: " + Files.readString(dir.resolve("killed.err")));
            List<Path> partial = tempFiles(data);
            assertEquals(2, partial.size(), partial.toString());

            // a store starting meanwhile (the server) leaves both alone: each is locked by its writer
            try (SqlMailStore starting = SqlMailStore.openSqlite(data)) {
                assertEquals(new FileBlobStore.Swept(0, 0, 0, 0), starting.recovery().get(10, TimeUnit.SECONDS));
            }
            assertEquals(partial, tempFiles(data));

            killed.destroyForcibly(); // SIGKILL in the middle of the blob
            assertTrue(killed.waitFor(20, TimeUnit.SECONDS));
            finishing.getOutputStream().write("commit\n".getBytes(StandardCharsets.US_ASCII));
            finishing.getOutputStream().flush();
            String committed = line(finishing);
            assertTrue(committed.startsWith("COMMITTED "), committed + "; its log: " + Files.readString(dir.resolve("finishing.err")));
            BlobId finished = new BlobId(committed.substring("COMMITTED ".length()));
            assertTrue(finishing.waitFor(20, TimeUnit.SECONDS));

            List<Path> left = tempFiles(data);
            assertEquals(1, left.size(), "the killed writer's partial blob: " + left);
            long size = Files.size(left.getFirst());
            try (LogCapture log = LogCapture.of("letterbox.store"); SqlMailStore restarted = SqlMailStore.openSqlite(data)) {
                assertEquals(new FileBlobStore.Swept(1, size, 0, 0), restarted.recovery().get(10, TimeUnit.SECONDS));
                assertEquals(List.of(), tempFiles(data));
                assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("recovery: removed 1 partial blob (")), log.lines().toString());
                assertTrue(restarted.blobs().exists(finished), "the finished blob is young: a delivery may be about to refer to it");
            }
        } finally {
            finishing.destroyForcibly();
            killed.destroyForcibly();
        }
    }

    /** A {@link BlobWriterChild} in a JVM of its own, writing a blob of twice the inline limit. */
    private Process writer(Path data, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                BlobWriterChild.class.getName(), data.toString(), Integer.toString(2 * SqlBlobStore.INLINE_LIMIT + 2))
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
    }

    /** The child's next line of output (its standard output is only these few lines). */
    private static String line(Process p) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = p.getInputStream().read()) >= 0 && c != '\n'; ) sb.append((char) c);
        return sb.toString();
    }

    private static List<Path> tempFiles(Path data) {
        try (Stream<Path> files = Files.list(data.resolve("blobs/tmp"))) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path blobPath(Path data, BlobId id) {
        return data.resolve("blobs").resolve(id.value().substring(0, 2)).resolve(id.value());
    }
}
