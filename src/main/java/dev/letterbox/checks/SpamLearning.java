package dev.letterbox.checks;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.imap.server.ImapService;
import dev.letterbox.milter.RspamdLearner;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.SpecialUse;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Semaphore;

/**
 * Teaches rspamd from what users do: a message copied or moved into Junk is spam, one moved out of
 * Junk (anywhere but Trash) is ham. The lessons go to rspamd's controller in the background, a few at
 * a time; when there are too many waiting, or a message is huge, they are skipped (a lesson is worth
 * little against holding up the server).
 */
public final class SpamLearning implements ImapService.CopyListener {
    private static final System.Logger LOG = System.getLogger("letterbox.checks");
    /** Larger messages are not sent: filters learn from ordinary mail, and this bounds memory. */
    static final int MAX_BYTES = 10 << 20;
    private static final int AT_ONCE = 4;
    private static final int WAITING = 200;

    private final MailStore store;
    private final RspamdLearner learner;
    private final Semaphore running = new Semaphore(AT_ONCE);
    private final Semaphore queued = new Semaphore(WAITING);

    public SpamLearning(MailStore store, RspamdLearner learner) {
        this.store = store;
        this.learner = learner;
    }

    @Override
    public void copied(long accountId, Mailbox source, Mailbox target, long[] targetUids) {
        boolean intoJunk = isJunk(target) && !isJunk(source);
        boolean outOfJunk = isJunk(source) && !isJunk(target) && !target.specialUse().equals(java.util.Optional.of(SpecialUse.TRASH));
        if (!intoJunk && !outOfJunk) return;
        RspamdLearner.Kind kind = intoJunk ? RspamdLearner.Kind.SPAM : RspamdLearner.Kind.HAM;
        for (long uid : targetUids) {
            if (!queued.tryAcquire()) {
                LOG.log(INFO, "spam learning: too many lessons waiting; skipped the rest");
                return;
            }
            Thread.ofVirtual().name("letterbox-learn").start(() -> {
                try {
                    running.acquireUninterruptibly();
                    try {
                        teach(accountId, target.id(), uid, kind);
                    } finally {
                        running.release();
                    }
                } finally {
                    queued.release();
                }
            });
        }
    }

    private void teach(long accountId, long mailboxId, long uid, RspamdLearner.Kind kind) {
        try {
            BlobId blob = store.read(accountId, tx -> tx.message(mailboxId, uid).map(MessageMeta::blob).orElse(null));
            if (blob == null) return;
            byte[] bytes;
            try (InputStream in = store.blobs().open(blob)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
            if (bytes.length > MAX_BYTES) {
                LOG.log(DEBUG, "spam learning: message too big to teach, skipped");
                return;
            }
            RspamdLearner.Result r = learner.learn(kind, bytes);
            LOG.log(r instanceof RspamdLearner.Result.Failed || r instanceof RspamdLearner.Result.Refused ? WARNING : DEBUG,
                    "spam learning ({0}): {1}", kind, r);
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "spam learning ({0}) failed: {1}", kind, e.toString());
        }
    }

    private static boolean isJunk(Mailbox m) {
        return m.specialUse().equals(java.util.Optional.of(SpecialUse.JUNK));
    }

    /** Lessons not yet finished (for tests and shutdown). */
    int pending() {
        return WAITING - queued.availablePermits();
    }
}
