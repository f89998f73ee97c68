package dev.letterbox.bench;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.NewMessage;
import dev.letterbox.store.sql.SqlMailStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Fills one mailbox of a bench account straight through the store (much faster than APPEND over
 * the wire, which the load bench measures anyway): {@code BenchBigMailbox DATA_DIR ADDRESS MAILBOX N}.
 * Every message shares one small blob, as copies do; a FLAGS-only FETCH never reads it.
 */
public final class BenchBigMailbox {
    private static final int PER_UNIT = 1000;

    private BenchBigMailbox() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        String address = args[1], name = args[2];
        int n = Integer.parseInt(args[3]);
        try (SqlMailStore store = SqlMailStore.openSqlite(data)) {
            long account = store.directory().account(address).orElseThrow().id();
            long mailbox = store.write(account, tx -> tx.mailbox(name).orElseGet(() -> tx.createMailbox(name, Optional.empty())).id());
            long have = store.read(account, tx -> tx.status(mailbox).messages());
            byte[] bytes = "From: big@example.org\r\nSubject: big mailbox\r\n\r\nBody.\r\n".getBytes(StandardCharsets.US_ASCII);
            BlobId blob;
            try (BlobStore.BlobWriter w = store.blobs().create()) {
                w.stream().write(bytes);
                blob = w.commit();
            }
            long started = System.nanoTime();
            for (long done = have; done < n; ) {
                int batch = (int) Math.min(PER_UNIT, n - done);
                store.write(account, tx -> {
                    for (int i = 0; i < batch; i++) {
                        tx.append(mailbox, new NewMessage(blob, bytes.length, i % 3 == 0 ? Flags.ofSystem(Flags.SEEN) : Flags.NONE,
                                Instant.now(), null));
                    }
                    return null;
                });
                done += batch;
            }
            System.out.printf("big mailbox %s of %s: %d messages (%d added in %d ms)%n", name, address, n, n - have,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }
}
