package dev.letterbox.archive;

import dev.letterbox.message.MessageStructure;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.NewMessage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Copies an archive into one account, in batches: each batch is one store transaction (fsynced
 * before the next begins), announced in the {@link ImportJournal} before and marked done after, so
 * that an import stopped at any instant goes on from where it stood, storing nothing twice. Messages
 * go in as they are (no filters, no quota warnings sent); the account's quota still applies.
 */
public final class Importer {
    /** Messages and bytes a batch holds at most. */
    static final int BATCH_MESSAGES = 200;
    static final long BATCH_BYTES = 32L << 20;

    private final MailStore store;
    private final long accountId;
    private final Path journalDir;
    private final long maxMessageSize;
    private final Progress progress;

    /** What an import did: messages stored now and earlier (by an interrupted run), and those refused. */
    public record Result(long imported, long importedBefore, List<String> refused) {}

    public Importer(MailStore store, long accountId, Path journalDir, long maxMessageSize, Progress progress) {
        this.store = store;
        this.accountId = accountId;
        this.journalDir = journalDir;
        this.maxMessageSize = maxMessageSize;
        this.progress = progress;
    }

    /** The journal of importing what {@code sourceKey} names (a file's real path, a server's URL) into this account. */
    public Path journalFile(String sourceKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((accountId + "\n" + sourceKey).getBytes(StandardCharsets.UTF_8));
            return journalDir.resolve(HexFormat.of().formatHex(hash, 0, 12) + ".journal");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Imports {@code archive} (read from {@code source}); {@code restart} forgets an earlier run. An
     * archive imported completely before is refused unless {@code restart}.
     */
    public Result run(MessageArchive archive, Path source, boolean restart) throws IOException, ArchiveException {
        return run(archive, journalFile(source.toRealPath().toString()), source.toString(), restart, false);
    }

    /**
     * Imports {@code archive} with the journal {@code journalFile}. {@code incremental}: a source that
     * grows (a mail server) is taken up again from the last checkpoint even after a complete run.
     */
    public Result run(MessageArchive archive, Path journalFile, String source, boolean restart, boolean incremental)
            throws IOException, ArchiveException {
        try (ImportJournal journal = ImportJournal.open(journalFile)) {
            if (restart) journal.reset();
            if (journal.complete && !incremental) {
                throw new ArchiveException(source + " was imported into this account before (" + journal.imported
                        + " messages); to import it a second time, pass --restart");
            }
            journal.pending.ifPresent(batch -> settle(journal, batch));
            long before = journal.imported;
            archive.resume(journal.checkpoint);
            List<String> refused = new ArrayList<>();
            long imported = 0;
            Pending carried = null;
            while (true) {
                List<Pending> batch = new ArrayList<>();
                long bytes = 0;
                if (carried != null) {
                    batch.add(carried);
                    bytes += carried.size;
                    carried = null;
                }
                boolean end = false;
                while (batch.size() < BATCH_MESSAGES && bytes < BATCH_BYTES) {
                    Pending next = read(archive, refused);
                    if (next == null) {
                        end = true;
                        break;
                    }
                    if (next.blob == null) { // refused: nothing to store, but the position moves on
                        if (batch.isEmpty()) journal.skipped(next.checkpointAfter);
                        else batch.getLast().movePast(next);
                        continue;
                    }
                    if (!batch.isEmpty() && !batch.getFirst().message.mailbox().equals(next.message.mailbox())) {
                        carried = next; // a batch goes into one mailbox
                        break;
                    }
                    batch.add(next);
                    bytes += next.size;
                }
                if (!batch.isEmpty()) {
                    commit(journal, batch);
                    imported += batch.size();
                }
                progress.show(before + imported, archive.bytesRead(), archive.totalBytes(), false);
                if (end && carried == null) break;
            }
            journal.finish();
            progress.show(before + imported, archive.bytesRead(), archive.totalBytes(), true);
            return new Result(imported, before, refused);
        }
    }

    /** A message read into a committed blob, not yet in a mailbox; {@code blob} null when refused. */
    private static final class Pending {
        final SourceMessage message;
        final BlobId blob;
        final long size;
        final byte[] structure;
        final Instant date;
        String checkpointAfter;

        Pending(SourceMessage message, BlobId blob, long size, byte[] structure, Instant date, String checkpointAfter) {
            this.message = message;
            this.blob = blob;
            this.size = size;
            this.structure = structure;
            this.date = date;
            this.checkpointAfter = checkpointAfter;
        }

        /** A refused message after this one: the batch's end moves past it. */
        void movePast(Pending refused) {
            checkpointAfter = refused.checkpointAfter;
        }
    }

    private Pending read(MessageArchive archive, List<String> refused) throws IOException, ArchiveException {
        BlobStore blobs = store.blobs();
        SourceMessage message;
        BlobId blob;
        long size;
        try (BlobStore.BlobWriter writer = blobs.create()) {
            OutputStream out = new BufferedOutputStream(writer.stream(), 64 * 1024);
            message = archive.next(out, maxMessageSize);
            if (message == null) return null;
            if (message.problem().isPresent()) {
                refused.add(message.where() + ": " + message.problem().get());
                return new Pending(message, null, 0, null, null, archive.checkpoint());
            }
            out.flush();
            size = writer.bytesWritten();
            blob = writer.commit();
        }
        MessageStructure structure = null;
        try (InputStream in = blobs.open(blob)) {
            structure = MessageStructure.parse(in);
        } catch (RuntimeException e) {
            // left unparsed: the store parses it on first use, as for any message
        }
        Optional<Instant> sent = structure == null ? Optional.empty() : structure.sentDate();
        Instant date = message.internalDate().or(() -> sent).orElseGet(Instant::now);
        return new Pending(message, blob, size, structure == null ? null : structure.serialize(), date, archive.checkpoint());
    }

    private void commit(ImportJournal journal, List<Pending> batch) throws IOException {
        String mailbox = batch.getFirst().message.mailbox();
        long uidNextBefore = store.read(accountId, tx -> tx.mailbox(mailbox).map(Mailbox::uidNext).orElse(1L));
        List<Long> sizes = batch.stream().map(p -> p.size).toList();
        Pending last = batch.getLast();
        ImportJournal.Batch announced = new ImportJournal.Batch(last.checkpointAfter, mailbox, uidNextBefore, sizes);
        journal.announce(announced);
        try {
            store.write(accountId, tx -> {
                long id = tx.mailbox(mailbox).map(Mailbox::id).orElseGet(() -> tx.createMailbox(mailbox, Optional.empty()).id());
                for (Pending p : batch) {
                    tx.append(id, new NewMessage(p.blob, p.size, p.message.flags(), p.date, p.structure));
                }
                return null;
            });
        } catch (RuntimeException e) {
            for (Pending p : batch) deleteQuietly(p.blob);
            throw e;
        }
        journal.done(announced, batch.size());
    }

    /**
     * A batch announced by a run that stopped before marking it done: one transaction, so either all
     * of it is in the mailbox (as consecutive UIDs from {@code uidNextBefore} on, with these sizes) or
     * none of it is.
     */
    private void settle(ImportJournal journal, ImportJournal.Batch batch) {
        boolean stored = store.read(accountId, tx -> {
            Optional<Mailbox> mailbox = tx.mailbox(batch.mailbox());
            if (mailbox.isEmpty()) return false;
            List<MessageMeta> after = tx.messages(mailbox.get().id(), batch.uidNextBefore(), Long.MAX_VALUE, 100_000);
            List<Long> want = batch.sizes();
            for (int start = 0; start + want.size() <= after.size(); start++) {
                boolean match = true;
                for (int i = 0; i < want.size() && match; i++) {
                    MessageMeta m = after.get(start + i);
                    match = m.size() == want.get(i) && (i == 0 || m.uid() == after.get(start + i - 1).uid() + 1);
                }
                if (match) return true;
            }
            return false;
        });
        try {
            if (stored) journal.done(batch, batch.sizes().size());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void deleteQuietly(BlobId blob) {
        try {
            store.blobs().delete(blob);
        } catch (IOException e) {
            // an unreferenced blob is swept by the store's housekeeping
        }
    }
}
