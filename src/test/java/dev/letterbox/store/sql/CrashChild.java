package dev.letterbox.store.sql;

import dev.letterbox.store.AppendResult;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.Flags;
import dev.letterbox.store.NewMessage;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process {@link CrashDurabilityTest} kills: appends messages from several threads as fast as it
 * can and prints "ACK uid blob size n" only after {@code write} has returned, i.e. after the store
 * promised the message is durable.
 *
 * <p>Arguments: data directory, account id, mailbox id, first message number.
 */
public final class CrashChild {
    private CrashChild() {}

    static String text(int n) {
        return "Subject: crash test " + n + "\r\n\r\n" + ("line " + n + " of the body\r\n").repeat(1 + n % 40);
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        long account = Long.parseLong(args[1]);
        long mailbox = Long.parseLong(args[2]);
        AtomicInteger next = new AtomicInteger(Integer.parseInt(args[3]));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        SqlMailStore store = SqlMailStore.openSqlite(data); // never closed: the parent kills us
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofVirtual().start(() -> {
                while (true) {
                    int n = next.getAndIncrement();
                    byte[] bytes = text(n).getBytes(StandardCharsets.US_ASCII);
                    BlobId blob;
                    try (BlobStore.BlobWriter w = store.blobs().create()) {
                        try (OutputStream s = w.stream()) {
                            s.write(bytes);
                        }
                        blob = w.commit();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                    NewMessage m = new NewMessage(blob, bytes.length, Flags.NONE, Instant.now(), null);
                    AppendResult r = store.write(account, tx -> tx.append(mailbox, m));
                    synchronized (out) {
                        out.println("ACK " + r.uid() + " " + blob + " " + bytes.length + " " + n);
                        out.flush();
                    }
                }
            });
        }
        for (Thread t : threads) t.join();
    }
}
