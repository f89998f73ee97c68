package dev.letterbox.delivery;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.store.Account;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.Coordination;
import dev.letterbox.store.QueuedMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Sends vacation answers: checks the rules ({@link VacationReply#whyNot}), answers each sender once
 * per period, remembered in the store so that every node agrees, and queues the answer with a null
 * envelope sender (RFC 5230 §5.1: nobody answers or bounces an answer).
 *
 * <p>The sender is put on record before the answer is queued: when queueing then fails, that sender
 * gets no answer this period rather than, on a retry, two.
 */
final class Vacations {
    private static final System.Logger LOG = System.getLogger("letterbox.delivery");

    private final Coordination memory;
    private final BlobStore blobs;
    private final QueueSink queue;
    private final String hostname;

    /** What became of one request, for the log and for tests. */
    sealed interface Result {
        record Queued(long queueId) implements Result {}

        record NotSent(String why) implements Result {}
    }

    Vacations(Coordination memory, BlobStore blobs, QueueSink queue, String hostname) {
        this.memory = memory;
        this.blobs = blobs;
        this.queue = queue;
        this.hostname = hostname;
    }

    /**
     * Answers {@code original}, delivered to {@code account}, as {@code request} says, if the rules
     * allow. {@code ownAddresses}: the account's addresses and its aliases', lower case; the request's
     * :addresses are added here.
     */
    Result answer(Account account, Set<String> ownAddresses, VacationReply.Original original, VacationReply.Request request,
                  String logContext) throws IOException {
        Set<String> own = new java.util.HashSet<>(ownAddresses);
        own.add(account.address().toLowerCase(java.util.Locale.ROOT));
        for (String a : request.addresses()) own.add(a.toLowerCase(java.util.Locale.ROOT));
        Optional<String> why = VacationReply.whyNot(original, own);
        if (why.isPresent()) return notSent(logContext, account, why.get());
        boolean everyTime = request.period().isZero(); // RFC 6131 :seconds 0
        if (!everyTime && !memory.remember(VacationReply.trackingKey(account.id(), request, original.envelopeSender()),
                request.period())) {
            return notSent(logContext, account, "already answered <" + original.envelopeSender() + "> in this period");
        }
        String from = request.from().orElseGet(() -> VacationReply.replyFrom(original, account.address(), own));
        byte[] answer = VacationReply.compose(request, original, from, hostname, Instant.now());
        BlobId blob;
        try (BlobStore.BlobWriter w = blobs.create()) {
            w.stream().write(answer);
            blob = w.commit();
        }
        var envelope = new QueuedMessage.Envelope("", blob, answer.length, Instant.now(), QueuedMessage.Body.EIGHT_BIT_MIME,
                false, Optional.empty(), Optional.empty(), OptionalLong.of(account.id()));
        long id = queue.enqueue(envelope, List.of(QueuedMessage.NewRecipient.pending(original.envelopeSender(),
                Optional.empty(), Optional.empty())), logContext);
        LOG.log(INFO, "{0} vacation answer from {1} to <{2}> queued as {3}", logContext, account.address(),
                original.envelopeSender(), id);
        return new Result.Queued(id);
    }

    private static Result notSent(String logContext, Account account, String why) {
        LOG.log(INFO, "{0} no vacation answer from {1}: {2}", logContext, account.address(), why);
        return new Result.NotSent(why);
    }
}
