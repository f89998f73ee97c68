package dev.letterbox.queue;

import dev.letterbox.store.OutboundQueue.AfterWrite;
import dev.letterbox.store.QueuedMessage.Lease;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * This node's hold on one queued message while the jobs started for it run (one per destination,
 * or the report): the store's lease, how many of the jobs are still running, and their threads.
 *
 * <p>Lifecycle: the runner counts every job in ({@link #jobStarting}) before it starts any, so a
 * quick first job cannot release the lease under a second one. The jobs' outcome writes go through
 * {@link #write} one at a time; the write of the last job still running is told to release the
 * lease, so the message is claimable again as soon as nothing of ours is left to record for it.
 * When the last job ends without such a write (an error, or two jobs' writes racing), the runner
 * decides what becomes of the lease ({@link #ended}, {@link #released}).
 */
final class Claim {
    private final Lease lease;
    private final ReentrantLock writes = new ReentrantLock();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private int running; // guarded by writes
    private boolean released; // guarded by writes
    private volatile Instant until;
    private volatile boolean lost;

    Claim(Lease lease) {
        this.lease = lease;
        this.until = lease.until();
    }

    Lease lease() {
        return lease;
    }

    long messageId() {
        return lease.messageId();
    }

    Instant until() {
        return until;
    }

    void renewed(Instant until) {
        this.until = until;
    }

    /** Another node has the message now: the jobs are interrupted and nothing more is written. */
    void lose() {
        lost = true;
        for (Thread t : threads) t.interrupt();
    }

    boolean lost() {
        return lost;
    }

    void jobStarting() {
        writes.lock();
        try {
            running++;
        } finally {
            writes.unlock();
        }
    }

    void jobThread(Thread t) {
        threads.add(t);
    }

    /**
     * Runs one job's outcome write(s) with what they must do with the lease: release it from the
     * last job still running, keep it otherwise. {@code write} releases the lease when it returns
     * normally after being told to. One claim's writes never overlap, so the releasing one is last.
     */
    <T> T write(Function<AfterWrite, T> write) {
        writes.lock();
        try {
            AfterWrite then = running == 1 ? AfterWrite.RELEASE : AfterWrite.KEEP;
            T result = write.apply(then);
            if (then == AfterWrite.RELEASE) released = true;
            return result;
        } finally {
            writes.unlock();
        }
    }

    /** A job has ended (after its writes, or without them); true when it was the claim's last. */
    boolean ended() {
        threads.remove(Thread.currentThread());
        writes.lock();
        try {
            return --running == 0;
        } finally {
            writes.unlock();
        }
    }

    /** True once a write has given the lease back. */
    boolean released() {
        writes.lock();
        try {
            return released;
        } finally {
            writes.unlock();
        }
    }
}
