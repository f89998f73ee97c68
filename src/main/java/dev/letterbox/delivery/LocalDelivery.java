package dev.letterbox.delivery;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.message.MessageStructure;
import dev.letterbox.store.Account;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.NewMessage;
import dev.letterbox.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Stores one message for several local accounts: one blob, parsed once into its
 * {@link MessageStructure} (kept with the blob), then one INBOX append per account, submitted together
 * so the store can commit them with a single fsync.
 */
public final class LocalDelivery {
    private static final System.Logger LOG = System.getLogger("letterbox.delivery");

    private final MailStore store;

    public LocalDelivery(MailStore store) {
        this.store = store;
    }

    /** Writes {@code message} to a new durable blob; {@code prefix} (e.g. Return-Path) goes first. */
    public StoredBlob storeBlob(byte[] prefix, InputStream message, boolean normalizeLineEndings, long maxSize) throws IOException {
        BlobStore blobs = store.blobs();
        try (BlobStore.BlobWriter writer = blobs.create()) {
            OutputStream raw = writer.stream();
            raw.write(prefix);
            OutputStream out = normalizeLineEndings ? new CrlfNormalizingStream(raw) : raw;
            byte[] buf = new byte[16384];
            int n;
            while ((n = message.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (maxSize > 0 && writer.bytesWritten() > maxSize) throw new MessageTooLargeException(maxSize);
            }
            out.flush();
            long size = writer.bytesWritten();
            return new StoredBlob(writer.commit(), size);
        }
    }

    /** A committed blob and its size in octets. */
    public record StoredBlob(BlobId id, long size) {}

    /**
     * Appends the stored blob to each account's INBOX. Returns one outcome per account, in order;
     * a {@link DeliveryOutcome.Stored} is durable. When nobody got a copy, the blob is removed.
     */
    public List<DeliveryOutcome> deliver(StoredBlob blob, List<Account> accounts, String logContext) {
        Instant now = Instant.now();
        byte[] structure = structureOf(blob.id(), logContext);
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (Account account : accounts) {
            futures.add(store.writeAsync(account.id(), tx -> {
                Mailbox inbox = tx.mailbox(Mailbox.INBOX).orElseThrow(() -> new StoreException("no INBOX"));
                return tx.append(inbox.id(), new NewMessage(blob.id(), blob.size(), Flags.NONE, now, structure)).uid();
            }));
        }
        List<DeliveryOutcome> outcomes = new ArrayList<>();
        boolean anyStored = false;
        for (int i = 0; i < accounts.size(); i++) {
            Account account = accounts.get(i);
            try {
                long uid = futures.get(i).join();
                outcomes.add(new DeliveryOutcome.Stored(account, uid));
                anyStored = true;
                LOG.log(INFO, "{0} delivered to {1} uid={2} size={3}", logContext, account.address(), uid, blob.size());
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof MailboxException me && me.reason() == MailboxException.Reason.OVER_QUOTA) {
                    LOG.log(INFO, "{0} not delivered to {1}: over quota", logContext, account.address());
                    outcomes.add(new DeliveryOutcome.OverQuota(account));
                } else {
                    LOG.log(WARNING, "{0} delivery to {1} failed: {2}", logContext, account.address(), String.valueOf(cause));
                    outcomes.add(new DeliveryOutcome.Failed(account, String.valueOf(cause)));
                }
            }
        }
        if (!anyStored) discard(blob.id());
        return outcomes;
    }

    /**
     * Parses the committed blob once, reading it back from the store, so FETCH never has to. A message
     * that cannot be read now is still delivered: readers parse it on demand when no structure is stored.
     */
    private byte[] structureOf(BlobId id, String logContext) {
        try (InputStream in = store.blobs().open(id)) {
            return MessageStructure.parse(in).serialize();
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "{0} cannot parse stored message {1}, delivering without structure: {2}", logContext, id, String.valueOf(e));
            return null;
        }
    }

    /** Removes a blob no mailbox refers to (nothing was delivered, or the sender gave up). */
    public void discard(BlobId id) {
        try {
            store.blobs().delete(id);
        } catch (IOException e) {
            LOG.log(WARNING, "cannot remove unused blob {0}: {1}", id, e.getMessage());
        }
    }

    /** The message went over the size limit while being stored; nothing was kept. */
    public static final class MessageTooLargeException extends IOException {
        public MessageTooLargeException(long limit) {
            super("message larger than " + limit + " bytes");
        }
    }
}
