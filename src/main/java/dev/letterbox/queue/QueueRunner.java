package dev.letterbox.queue;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.auth.Directory;
import dev.letterbox.config.Config;
import dev.letterbox.config.Units;
import dev.letterbox.delivery.Pipeline;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.relay.Outcome;
import dev.letterbox.relay.RemoteDelivery;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.OutboundQueue;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.QueuedMessage.Recipient;
import dev.letterbox.store.QueuedMessage.Transition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the outbound queue: one scheduler thread finds what is due in the store and starts a
 * virtual thread per job, within a total and a per-destination limit. A job is one delivery
 * attempt of one message to the recipients of one domain (one SMTP transaction), or the delivery
 * report of one message.
 *
 * <p>The scheduler sleeps until the next attempt is due, a job ends, or something is queued or
 * retried in this process ({@link MailQueue} wakes it); it also looks every {@link #POLL} for
 * changes made by another process (the CLI). A message has at most one job per destination at a
 * time, and its report waits until none of its deliveries is running, so one report covers them.
 *
 * <p>Each job's outcomes are one durable write; a crash before it leaves the recipients as they
 * were, due again after the restart: delivery is at least once (a message may be sent twice,
 * never dropped).
 */
public final class QueueRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.queue");
    static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** How long a message whose job failed unexpectedly (a store or disk error) is left alone. */
    private static final Duration REST = Duration.ofMinutes(1);
    /** Job keys that are not domains: a message's report, all local recipients, everything through the smarthost. */
    private static final String REPORT = "(report)", LOCAL = "(local)", SMARTHOST = "(smarthost)";

    private final OutboundQueue queue;
    private final BlobStore blobs;
    private final LocalRoute local;
    private final RemoteDelivery remote;
    private final Reports reports;
    private final Metrics metrics;
    private final Config.Delivery config;
    private final RetrySchedule schedule;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, Integer> busyMessages = new HashMap<>(); // guarded by lock
    private final Map<String, Integer> busyDestinations = new HashMap<>(); // guarded by lock
    /** Messages whose last job failed unexpectedly, and when to look at them again (no hot loop on a bug). */
    private final Map<Long, Instant> resting = new HashMap<>(); // guarded by lock
    private int active; // guarded by lock
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean closed;
    private Thread scheduler;

    public QueueRunner(MailQueue mailQueue, MailStore store, Directory directory, Pipeline pipeline,
                       RemoteDelivery remote, Metrics metrics, Config.Delivery config, String hostname) {
        this.queue = store.queue();
        this.blobs = store.blobs();
        this.local = new LocalRoute(pipeline, blobs, directory::hostsDomain);
        this.remote = remote;
        this.metrics = metrics;
        this.config = config;
        this.schedule = new RetrySchedule(config.retryIntervals(), config.expire());
        this.reports = new Reports(queue, blobs, hostname, schedule);
        mailQueue.onChange(this::wakeUp);
    }

    public void start() {
        scheduler = Thread.ofVirtual().name("letterbox-queue").start(this::schedule);
        LOG.log(INFO, "outbound queue running: at most {0} deliveries at once, {1} per destination{2}",
                config.maxConcurrent(), config.maxPerDomain(),
                config.smarthost().map(s -> ", all through the smarthost " + s.host() + ":" + s.port()).orElse(""));
    }

    void wakeUp() {
        if (wake.availablePermits() == 0) wake.release();
    }

    private void schedule() {
        while (!closed) {
            long waitMillis = POLL.toMillis();
            try {
                remote.closeIdleConnections();
                Instant now = Instant.now();
                pass(now);
                Optional<Instant> next = queue.nextAttempt();
                if (next.isPresent() && next.get().isAfter(now)) {
                    waitMillis = Math.min(waitMillis, Math.max(1, Duration.between(Instant.now(), next.get()).toMillis()));
                }
                // due now but not started (running, or at a limit): a finishing job wakes us
            } catch (RuntimeException e) {
                LOG.log(WARNING, "outbound queue: cannot read the queue now: {0}", e.toString());
            }
            try {
                wake.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Starts jobs for due messages, lowest id first, until the total limit is reached. */
    private void pass(Instant now) {
        int limit;
        lock.lock();
        try {
            resting.values().removeIf(until -> !until.isAfter(now)); // also forgets messages deleted meanwhile
            limit = busyMessages.size() + resting.size() + 2 * config.maxConcurrent() + 16;
        } finally {
            lock.unlock();
        }
        for (long id : queue.due(now, limit)) {
            lock.lock();
            try {
                if (closed || active >= config.maxConcurrent()) return;
                if (busyMessages.containsKey(id) || resting.containsKey(id)) continue;
            } finally {
                lock.unlock();
            }
            queue.message(id).ifPresent(m -> dispatch(m, now));
        }
    }

    private void dispatch(QueuedMessage m, Instant now) {
        Map<String, List<Recipient>> groups = new LinkedHashMap<>();
        for (Recipient r : m.recipients()) {
            if (r.isWaiting() && !r.nextAttempt().isAfter(now)) groups.computeIfAbsent(destination(r), k -> new ArrayList<>()).add(r);
        }
        if (groups.isEmpty()) {
            if (m.recipients().stream().anyMatch(r -> r.isFinal() && !r.reported())) start(m.id(), REPORT, () -> reports.reportFinal(m));
            return;
        }
        groups.forEach((destination, recipients) -> start(m.id(), destination, () -> deliver(m, destination, recipients)));
    }

    /** The job key of a recipient: its domain, or one key for everything local or everything through the smarthost. */
    private String destination(Recipient r) {
        String domain = r.address().substring(r.address().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        if (local.isLocal(domain)) return LOCAL;
        return config.smarthost().isPresent() ? SMARTHOST : domain;
    }

    @FunctionalInterface
    private interface Job {
        void run() throws Exception;
    }

    private void start(long messageId, String destination, Job job) {
        lock.lock();
        try {
            if (closed || active >= config.maxConcurrent()) return;
            boolean limited = !destination.equals(REPORT) && !destination.equals(LOCAL);
            if (limited && busyDestinations.getOrDefault(destination, 0) >= config.maxPerDomain()) return;
            active++;
            busyMessages.merge(messageId, 1, Integer::sum);
            busyDestinations.merge(destination, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
        Thread t = Thread.ofVirtual().name("letterbox-relay-" + messageId).unstarted(() -> {
            try {
                job.run();
            } catch (Exception | Error e) { // the recipients stay due: the job is done again after a rest
                if (!closed) LOG.log(WARNING, "queue {0} ({1}): {2}; trying again in {3}", messageId, destination, e.toString(),
                        Units.formatDuration(REST));
                rest(messageId);
            } finally {
                finished(messageId, destination);
            }
        });
        workers.add(t);
        t.start();
    }

    private void rest(long messageId) {
        lock.lock();
        try {
            resting.put(messageId, Instant.now().plus(REST));
        } finally {
            lock.unlock();
        }
    }

    private void finished(long messageId, String destination) {
        lock.lock();
        try {
            active--;
            busyMessages.computeIfPresent(messageId, (k, n) -> n == 1 ? null : n - 1);
            busyDestinations.computeIfPresent(destination, (k, n) -> n == 1 ? null : n - 1);
        } finally {
            lock.unlock();
        }
        workers.remove(Thread.currentThread());
        wakeUp();
    }

    /** One attempt for one destination's recipients of {@code m}, and its outcomes written in one go. */
    private void deliver(QueuedMessage m, String destination, List<Recipient> recipients) {
        String context = "queue " + m.id();
        Map<Long, Outcome> outcomes = destination.equals(LOCAL)
                ? local.deliver(m, recipients, context)
                : remote.deliver(m, recipients, domainOf(recipients.getFirst()), () -> blobs.open(m.envelope().blob()));
        Instant now = Instant.now();
        Instant received = m.envelope().received();
        List<Transition> transitions = new ArrayList<>();
        Map<Recipient, Outcome.Deferred> deferred = new LinkedHashMap<>();
        for (Recipient r : recipients) {
            Outcome o = outcomes.getOrDefault(r.id(), new Outcome.Deferred("451 4.3.0 no outcome", Optional.empty()));
            switch (o) {
                case Outcome.Delivered d -> {
                    transitions.add(new Transition.Delivered(r.id(), d.remoteMta(), Reports.wantsSuccess(m, r) && !d.reportsOnward()));
                    metrics.messageDelivered(destination.equals(LOCAL));
                    logOutcome(m, r, "delivered", o, "");
                }
                case Outcome.Deferred d when schedule.expired(now, received) -> {
                    String reply = d.reply() + " (given up after " + Units.formatDuration(config.expire()) + ")";
                    transitions.add(new Transition.Failed(r.id(), reply, d.remoteMta(), Reports.wantsFailure(m, r)));
                    metrics.messageBounced();
                    logOutcome(m, r, "bounced", o, reply);
                }
                case Outcome.Deferred d -> {
                    Instant next = schedule.next(r.attempts() + 1, now, received);
                    transitions.add(new Transition.Deferred(r.id(), next, d.reply(), d.remoteMta()));
                    deferred.put(r, d);
                    metrics.messageDeferred();
                    logOutcome(m, r, "deferred until " + next.truncatedTo(ChronoUnit.SECONDS), o, d.reply());
                }
                case Outcome.Failed f -> {
                    transitions.add(new Transition.Failed(r.id(), f.reply(), f.remoteMta(), Reports.wantsFailure(m, r)));
                    metrics.messageBounced();
                    logOutcome(m, r, "bounced", o, f.reply());
                }
            }
        }
        queue.record(m.id(), transitions);
        if (!deferred.isEmpty()) reports.warnDelayed(m, deferred, now, config.delayWarning());
    }

    /** One line per recipient and attempt, the way operators grep mail logs: who, what happened, where, why. */
    private static void logOutcome(QueuedMessage m, Recipient r, String what, Outcome o, String reply) {
        String via = o.remoteMta().map(h -> " via " + h).orElse("");
        String nullSender = m.envelope().sender().isEmpty() && what.equals("bounced") ? " (from <>: dropped, no report)" : "";
        LOG.log(INFO, "queue {0}: to=<{1}> {2}{3}{4}{5}", m.id(), r.address(), what, via,
                reply.isEmpty() ? "" : ": " + reply, nullSender);
    }

    private static String domainOf(Recipient r) {
        return r.address().substring(r.address().lastIndexOf('@') + 1);
    }

    /** Stops scheduling and interrupts running attempts (their recipients stay due for the next start). */
    @Override
    public void close() {
        closed = true;
        wakeUp();
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        try {
            if (scheduler != null) scheduler.join(STOP_GRACE);
            for (Thread t : workers) t.interrupt();
            for (Thread t : workers) {
                long left = deadline - System.nanoTime();
                if (left > 0) t.join(Duration.ofNanos(left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        remote.close();
    }
}
