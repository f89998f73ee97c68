package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The process {@link BlobRecoveryTest} runs beside its own stores: opens the store of a data dir,
 * writes the first half of a large blob, says "WRITING" and waits. On the line "commit" it writes
 * the rest, commits, prints "COMMITTED id" and exits; the test may instead kill it mid-write.
 *
 * <p>Arguments: data directory, blob size.
 */
public final class BlobWriterChild {
    private BlobWriterChild() {}

    public static void main(String[] args) throws Exception {
        SqlMailStore store = SqlMailStore.openSqlite(Path.of(args[0]));
        byte[] half = new byte[Integer.parseInt(args[1]) / 2];
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        try (BlobStore.BlobWriter writer = store.blobs().create()) {
            writer.stream().write(half);
            writer.stream().flush();
            System.out.println("WRITING");
            System.out.flush();
            if (!"commit".equals(commands.readLine())) return;
            writer.stream().write(half);
            BlobId id = writer.commit();
            System.out.println("COMMITTED " + id);
        } finally {
            store.close();
        }
    }
}
