package dev.letterbox.pop3.server;

import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.store.Coordination;
import dev.letterbox.store.StoreException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which accounts have a POP3 session in TRANSACTION state, on any node (RFC 2449 [IN-USE]): a lock
 * per account in the store's {@link Coordination}, held by this node and session.
 *
 * <p>A lock lives {@link #TTL} unless renewed; while sessions hold locks, one virtual thread renews
 * them every {@link #RENEW_EVERY}, and ends when none is held. So a node that dies without
 * releasing (SIGKILL, power loss) keeps the mailbox locked for at most {@link #TTL}, and one that
 * lives never loses a lock to a slow renewal unless the database is out of reach for that long.
 * A lock that is lost all the same (its renewal found it expired) is marked so: the session then
 * must not apply its deletions, since another session may have taken the maildrop since.
 */
final class Pop3Locks {
    private static final System.Logger LOG = System.getLogger("letterbox.pop3");
    static final Duration TTL = Duration.ofMinutes(2);
    static final Duration RENEW_EVERY = Duration.ofSeconds(30);

    /** One session's hold on one account's maildrop. */
    final class Lock {
        private final String name;
        private final String owner;
        private volatile boolean lost;

        private Lock(String name, String owner) {
            this.name = name;
            this.owner = owner;
        }

        /** True once a renewal found the lock gone: the maildrop may be another session's now. */
        boolean lost() {
            return lost;
        }

        /** Lets go (at QUIT or when the connection ends); a failure only leaves the lock to expire. */
        void release() {
            held.remove(name, this);
            try {
                coordination.release(name, owner);
            } catch (StoreException e) {
                LOG.log(WARNING, "releasing the POP3 lock {0} failed; it expires within {1} s: {2}", name,
                        TTL.toSeconds(), e.getMessage());
            }
        }
    }

    private final Coordination coordination;
    /** Tells this process's sessions apart from other nodes' with the same session id. */
    private final String node = UUID.randomUUID().toString();
    private final ConcurrentHashMap<String, Lock> held = new ConcurrentHashMap<>();
    private final ReentrantLock renewerGuard = new ReentrantLock();
    private boolean renewing; // guarded by renewerGuard

    Pop3Locks(Coordination coordination) {
        this.coordination = coordination;
    }

    /** The account's lock for this session, or empty when another session on any node holds it. */
    Optional<Lock> tryLock(long accountId, String sessionId) {
        Lock lock = new Lock("pop3:" + accountId, node + "/" + sessionId);
        if (!coordination.tryLock(lock.name, lock.owner, TTL)) return Optional.empty();
        held.put(lock.name, lock);
        startRenewing();
        return Optional.of(lock);
    }

    private void startRenewing() {
        renewerGuard.lock();
        try {
            if (renewing) return;
            renewing = true;
            Thread.ofVirtual().name("letterbox-pop3-locks").start(this::renew);
        } finally {
            renewerGuard.unlock();
        }
    }

    private void renew() {
        while (true) {
            try {
                Thread.sleep(RENEW_EVERY);
            } catch (InterruptedException e) {
                // nobody interrupts this thread; go on renewing as long as locks are held
            }
            renewerGuard.lock();
            try {
                if (held.isEmpty()) {
                    renewing = false;
                    return;
                }
            } finally {
                renewerGuard.unlock();
            }
            for (Lock lock : held.values()) {
                try {
                    if (!coordination.renew(lock.name, lock.owner, TTL)) {
                        lock.lost = true;
                        held.remove(lock.name, lock);
                        LOG.log(WARNING, "the POP3 lock {0} expired before it was renewed; that session will delete nothing",
                                lock.name);
                    }
                } catch (StoreException e) {
                    LOG.log(WARNING, "renewing the POP3 lock {0} failed, will try again: {1}", lock.name, e.getMessage());
                }
            }
        }
    }
}
