package dev.letterbox.store.sql;

import dev.letterbox.config.Config;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;

import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The process {@link DatabaseBlobStoreTest} runs with a heap smaller than the blob: opens a store
 * on PostgreSQL with {@code blobs = "database"}, writes {@code megabytes} MB through the blob store,
 * reads them back, and prints "SAME" when the digests agree. An implementation that held the whole
 * blob anywhere would die of OutOfMemoryError instead.
 *
 * <p>Arguments: database URL, blob directory (scratch only), megabytes.
 */
public final class LargeBlobChild {
    private LargeBlobChild() {}

    public static void main(String[] args) throws Exception {
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL, Optional.of(args[0]), Optional.empty(), 2,
                Config.Store.Blobs.DATABASE, Path.of(args[1]));
        long size = Long.parseLong(args[2]) * 1024 * 1024;
        try (SqlMailStore store = StoreFactory.postgresql(config, Duration.ofSeconds(1))) {
            MessageDigest written = MessageDigest.getInstance("SHA-256");
            byte[] piece = new byte[64 * 1024];
            BlobId id;
            try (BlobStore.BlobWriter w = store.blobs().create()) {
                for (long n = 0; n < size; n += piece.length) {
                    Arrays.fill(piece, (byte) (n / piece.length));
                    written.update(piece);
                    w.stream().write(piece);
                }
                id = w.commit();
            }
            MessageDigest read = MessageDigest.getInstance("SHA-256");
            try (InputStream in = store.blobs().open(id)) {
                for (int n; (n = in.read(piece)) >= 0; ) read.update(piece, 0, n);
            }
            System.out.println(Arrays.equals(written.digest(), read.digest()) ? "SAME" : "DIFFERENT");
        }
    }
}
