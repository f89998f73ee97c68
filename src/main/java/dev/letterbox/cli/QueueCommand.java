package dev.letterbox.cli;

import dev.letterbox.queue.MailQueue;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.QueuedMessage;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Looks into and acts on the outbound queue: mail waiting for other domains. Changes go through
 * {@link MailQueue}, the same code path as the admin API; a running server notices them within seconds.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "List, inspect, retry and delete messages in the outbound queue.")
final class QueueCommand {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per queued message: id, received, size, sender, recipients with their state.")
    int list(@Mixin DataOption data,
             @Option(names = "--after", paramLabel = "ID", defaultValue = "0", description = "Start after this id") long after,
             @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N messages") int limit)
            throws Exception {
        try (MailStore store = data.openStore(false)) {
            List<QueuedMessage> messages = store.queue().list(after, Math.max(1, Math.min(limit, 10_000)));
            for (QueuedMessage m : messages) {
                StringBuilder line = new StringBuilder();
                line.append(m.id()).append('\t').append(m.envelope().received()).append('\t')
                        .append(m.envelope().size()).append('\t').append('<').append(m.envelope().sender()).append('>');
                for (QueuedMessage.Recipient r : m.recipients()) {
                    line.append('\t').append(r.address()).append(' ').append(r.state().name().toLowerCase(java.util.Locale.ROOT));
                }
                System.out.println(line);
            }
            if (messages.isEmpty()) System.err.println("the queue is empty" + (after > 0 ? " after id " + after : ""));
        }
        return 0;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Everything about one queued message.")
    int show(@Mixin DataOption data, @Parameters(paramLabel = "ID") long id) throws Exception {
        try (MailStore store = data.openStore(false)) {
            Optional<QueuedMessage> found = store.queue().message(id);
            if (found.isEmpty()) throw new Main.CliExit(1, "no queued message " + id);
            QueuedMessage m = found.get();
            var e = m.envelope();
            System.out.println("id:        " + m.id());
            System.out.println("sender:    <" + e.sender() + ">");
            System.out.println("received:  " + e.received());
            System.out.println("size:      " + e.size());
            System.out.println("body:      " + e.body() + (e.smtputf8() ? ", SMTPUTF8" : ""));
            e.ret().ifPresent(r -> System.out.println("ret:       " + r));
            e.envId().ifPresent(v -> System.out.println("envid:     " + v));
            e.accountId().ifPresent(a -> System.out.println("account:   " + store.directory().account(a)
                    .map(acc -> acc.address()).orElse("#" + a + " (removed)")));
            System.out.println("blob:      " + e.blob());
            m.lease().ifPresent(l -> System.out.println("held by:   node " + l.owner() + " until " + l.until()
                    + (l.until().isAfter(java.time.Instant.now()) ? "" : " (ran out)")));
            for (QueuedMessage.Recipient r : m.recipients()) {
                System.out.println("recipient: " + r.address() + " " + r.state().name().toLowerCase(java.util.Locale.ROOT)
                        + ", attempts " + r.attempts() + ", next " + r.nextAttempt()
                        + r.notifyOn().map(n -> ", notify " + (n.isEmpty() ? "NEVER" : n)).orElse("")
                        + r.orcpt().map(o -> ", orcpt " + o).orElse("")
                        + r.remoteMta().map(h -> ", server " + h).orElse("")
                        + r.lastError().map(err -> ", last error: " + err).orElse(""));
            }
        }
        return 0;
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Try the waiting recipients of message ID (or, without ID, of every queued message) now.")
    int retry(@Mixin DataOption data, @Parameters(paramLabel = "ID", arity = "0..1") Long id) throws Exception {
        try (MailStore store = data.openStore(false)) {
            MailQueue queue = new MailQueue(store.queue());
            if (id == null) {
                System.out.println(queue.retryAll("cli") + " recipient(s) to be tried now");
                return 0;
            }
            OptionalInt n = queue.retryNow(id, "cli");
            if (n.isEmpty()) throw new Main.CliExit(1, "no queued message " + id);
            System.out.println(n.getAsInt() + " recipient(s) of message " + id + " to be tried now");
        }
        return 0;
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete message ID from the queue; nobody is told (no bounce is sent).")
    int delete(@Mixin DataOption data, @Parameters(paramLabel = "ID") long id) throws Exception {
        try (MailStore store = data.openStore(false)) {
            if (!new MailQueue(store.queue()).remove(id, "cli")) throw new Main.CliExit(1, "no queued message " + id);
            System.out.println("deleted message " + id);
        }
        return 0;
    }
}
