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
import dev.letterbox.store.LeaseLostException;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.OutboundQueue;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.QueuedMessage.Recipient;
import dev.letterbox.store.QueuedMessage.Transition;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * Runs the outbound queue: one scheduler thread claims what is due in the store and starts a
 * virtual thread per job, within a total and a per-destination limit. A job is one delivery
 * attempt of one message to the recipients of one domain (one SMTP transaction), or the delivery
 * report of one message.
 *
 * <p>The scheduler sleeps until the next attempt is due, a job ends, or something is queued or
 * retried in this process ({@link MailQueue} wakes it); it also looks every {@link #POLL} for
 * changes made by another process (the CLI, another node). A message has at most one job per
 * destination at a time, and its report waits until none of its deliveries is running, so one
 * report covers them.
 *
 * <p>Several nodes may run the same queue (one database). A node attempts only messages it has
 * claimed: the claim is a lease in the store ({@link OutboundQueue#claimDue}) that keeps the other
 * nodes away; the node renews it while its jobs run and the last job's outcome write gives it back.
 * A node that dies leaves its leases to run out ({@code [delivery] lease}), then any node takes
 * the messages; a node restarting under the same id takes its own back at once. A job whose lease
 * was lost (not renewed in time, and another node claimed the message) is interrupted, and its
 * outcome is refused by the store, so the new holder alone decides the message's fate.
 *
 * <p>Each job's outcomes are one durable write; a crash before it leaves the recipients as they
 * were, due again after the restart: delivery is at least once (a message may be sent twice,
 * never dropped). With several nodes the same holds, and one more window opens: a node that stalls
 * (a pause, a cut from the database) longer than its lease while its attempt is past the point of
 * no return (the message data sent, the answer not yet read) delivers, and so does the node that
 * took over. A lease much longer than any pause, renewed every third of it, keeps that rare.
 */
public final class QueueRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.queue");
    static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
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
    private final String node;

    private final ReentrantLock lock = new ReentrantLock();
    /** This node's claims with jobs running, by message id. */
    private final Map<Long, Claim> claims = new HashMap<>(); // guarded by lock
    private final Map<String, Integer> busyDestinations = new HashMap<>(); // guarded by lock
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
        this.node = config.nodeId();
        this.schedule = new RetrySchedule(config.retryIntervals(), config.expire());
        this.reports = new Reports(queue, blobs, hostname, schedule, sender -> pipeline.forwarding().reportAddress(sender));
        mailQueue.onChange(this::wakeUp);
    }

    public void start() {
        try {
            int taken = queue.releaseAll(node);
            if (taken > 0) LOG.log(INFO, "outbound queue: took back {0} claim(s) an earlier run of node {1} left", taken, node);
        } catch (RuntimeException e) { // they run out by themselves
            LOG.log(WARNING, "outbound queue: cannot take back the claims of an earlier run now: {0}", e.toString());
        }
        scheduler = Thread.ofVirtual().name("letterbox-queue").start(this::schedule);
        LOG.log(INFO, "outbound queue running as node {0}: at most {1} deliveries at once, {2} per destination{3}",
                node, config.maxConcurrent(), config.maxPerDomain(),
                config.smarthost().map(s -> ", all through the smarthost " + s.host() + ":" + s.port()).orElse(""));
    }

    void wakeUp() {
        if (wake.availablePermits() == 0) wake.release();
    }

    private void schedule() {
        // often enough that every lease is renewed twice before it could run out
        long longestWait = Math.max(1, Math.min(POLL.toMillis(), config.lease().toMillis() / 3));
        while (!closed) {
            long waitMillis = longestWait;
            try {
                remote.closeIdleConnections();
                Instant now = Instant.now();
                renewLeases(now);
                pass(now);
                Optional<Instant> next = queue.nextAttempt();
                if (next.isPresent() && next.get().isAfter(now)) {
                    waitMillis = Math.min(waitMillis, Math.max(1, Duration.between(Instant.now(), next.get()).toMillis()));
                }
                // due now but not started (running, at a limit, or another node's): a finishing job or the poll wakes us
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

    /**
     * Extends the leases that have used up a third of their time. A lease the store no longer
     * gives us (another node claimed the message after it ran out), or one that ran out because
     * the store could not be reached, ends its jobs: another node may be attempting the message.
     */
    private void renewLeases(Instant now) {
        Instant renewBefore = now.plus(config.lease().multipliedBy(2).dividedBy(3));
        List<Claim> due = new ArrayList<>();
        lock.lock();
        try {
            for (Claim c : claims.values()) {
                if (!c.lost() && c.until().isBefore(renewBefore)) due.add(c);
            }
        } finally {
            lock.unlock();
        }
        if (due.isEmpty()) return;
        Instant until = now.plus(config.lease());
        Set<Long> renewed;
        try {
            renewed = queue.renew(node, due.stream().map(Claim::messageId).toList(), until);
        } catch (RuntimeException e) {
            for (Claim c : due) {
                if (!c.until().isAfter(now)) {
                    LOG.log(WARNING, "queue {0}: the lease ran out and cannot be renewed ({1}); abandoning the attempt",
                            c.messageId(), e.toString());
                    c.lose();
                }
            }
            return;
        }
        for (Claim c : due) {
            if (renewed.contains(c.messageId())) {
                c.renewed(until);
            } else if (!c.released()) { // released: its last write is done, nothing to abandon
                LOG.log(WARNING, "queue {0}: the lease is lost (another node has the message, or it left the queue);"
                        + " abandoning the attempt", c.messageId());
                c.lose();
            }
        }
    }

    /**
     * Claims due messages, lowest id first, and starts their jobs. It claims more than there are
     * free slots, as many again as the total limit: messages whose destination is at its limit
     * cannot start, and those after them may. What could not start is given back at once.
     */
    private void pass(Instant now) {
        int free;
        lock.lock();
        try {
            free = config.maxConcurrent() - active;
        } finally {
            lock.unlock();
        }
        if (closed || free <= 0) return;
        List<QueuedMessage.Lease> unstarted = new ArrayList<>();
        try {
            for (QueuedMessage.Lease lease : queue.claimDue(node, now, free + config.maxConcurrent(), config.lease())) {
                Claim running;
                lock.lock();
                try {
                    running = claims.get(lease.messageId());
                } finally {
                    lock.unlock();
                }
                if (running != null) { // ours already: its lease ran out unrenewed and we took it again
                    running.renewed(lease.until());
                    continue;
                }
                Claim claim = new Claim(lease);
                boolean started = false;
                try {
                    Optional<QueuedMessage> m = closed || atLimit() ? Optional.empty() : queue.message(lease.messageId());
                    started = m.isPresent() && dispatch(claim, m.get(), now);
                } finally {
                    if (!started) unstarted.add(lease);
                }
            }
        } finally {
            queue.release(unstarted); // free for any node, ours included, at once
        }
    }

    private boolean atLimit() {
        lock.lock();
        try {
            return active >= config.maxConcurrent();
        } finally {
            lock.unlock();
        }
    }

    /** Starts the jobs of a claimed message that the limits allow; false when none could start. */
    private boolean dispatch(Claim claim, QueuedMessage m, Instant now) {
        Map<String, List<Recipient>> groups = new LinkedHashMap<>();
        for (Recipient r : m.recipients()) {
            if (r.isWaiting() && !r.nextAttempt().isAfter(now)) groups.computeIfAbsent(destination(r), k -> new ArrayList<>()).add(r);
        }
        Map<String, Job> jobs = new LinkedHashMap<>();
        if (groups.isEmpty()) {
            if (m.recipients().stream().anyMatch(r -> r.isFinal() && !r.reported())) {
                jobs.put(REPORT, () -> claim.write(then -> {
                    try {
                        reports.reportFinal(m, claim.lease(), then);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                }));
            }
        } else {
            groups.forEach((destination, recipients) -> jobs.put(destination, () -> deliver(claim, m, destination, recipients)));
        }
        // every job is counted in before any starts: a quick first one must not release the lease under the others
        List<String> reserved = new ArrayList<>();
        lock.lock();
        try {
            for (String destination : jobs.keySet()) {
                if (closed || active >= config.maxConcurrent()) break;
                boolean limited = !destination.equals(REPORT) && !destination.equals(LOCAL);
                if (limited && busyDestinations.getOrDefault(destination, 0) >= config.maxPerDomain()) continue;
                active++;
                busyDestinations.merge(destination, 1, Integer::sum);
                claim.jobStarting();
                reserved.add(destination);
            }
            if (!reserved.isEmpty()) claims.put(claim.messageId(), claim);
        } finally {
            lock.unlock();
        }
        for (String destination : reserved) start(claim, destination, jobs.get(destination));
        return !reserved.isEmpty();
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

    private void start(Claim claim, String destination, Job job) {
        long messageId = claim.messageId();
        Thread t = Thread.ofVirtual().name("letterbox-relay-" + messageId).unstarted(() -> {
            boolean failed = true;
            try {
                job.run();
                failed = false;
            } catch (LeaseLostException e) {
                LOG.log(WARNING, "queue {0} ({1}): another node holds the message now; this attempt''s outcome is not recorded"
                        + " (it is the new holder''s to decide)", messageId, destination);
            } catch (Exception | Error e) { // the recipients stay due: tried again when the lease runs out
                if (claim.lost()) {
                    LOG.log(INFO, "queue {0} ({1}): attempt abandoned with its lease: {2}", messageId, destination, e.toString());
                } else if (!closed) {
                    LOG.log(WARNING, "queue {0} ({1}): {2}; trying again when its lease runs out (within {3})", messageId,
                            destination, e.toString(), Units.formatDuration(config.lease()));
                }
            } finally {
                finished(claim, destination, failed);
            }
        });
        claim.jobThread(t);
        workers.add(t);
        t.start();
    }

    /**
     * A job has ended. When it was the claim's last and no write gave the lease back: after a
     * success (two jobs' writes raced) or a stop the lease is given back now; after a failure it is
     * left to run out, which rests the message (no hot loop on a bug) on every node alike.
     */
    private void finished(Claim claim, String destination, boolean failed) {
        boolean last = claim.ended();
        if (last && !claim.released() && !claim.lost() && (!failed || closed)) {
            try {
                queue.release(List.of(claim.lease()));
            } catch (RuntimeException e) {
                LOG.log(WARNING, "queue {0}: cannot give the lease back ({1}); it runs out by itself", claim.messageId(), e.toString());
            }
        }
        lock.lock();
        try {
            active--;
            if (last) claims.remove(claim.messageId(), claim);
            busyDestinations.computeIfPresent(destination, (k, n) -> n == 1 ? null : n - 1);
        } finally {
            lock.unlock();
        }
        workers.remove(Thread.currentThread());
        wakeUp();
    }

    /** One attempt for one destination's recipients of {@code m}, and its outcomes written in one go. */
    private void deliver(Claim claim, QueuedMessage m, String destination, List<Recipient> recipients) {
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
        if (claim.lost()) throw new LeaseLostException(m.id(), node); // the outcome may be an artefact of the interrupt
        claim.write(then -> {
            // the warning first, keeping the lease: the outcomes' write may be the one that gives it back
            if (!deferred.isEmpty()) reports.warnDelayed(m, claim.lease(), deferred, now, config.delayWarning());
            return queue.record(claim.lease(), transitions, then);
        });
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
