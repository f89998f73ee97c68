package dev.letterbox.pop3.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Which accounts have a POP3 session in TRANSACTION state on this node (RFC 2449 [IN-USE]). */
final class Pop3Locks {
    private final Set<Long> held = ConcurrentHashMap.newKeySet();

    boolean tryLock(long accountId) {
        return held.add(accountId);
    }

    void unlock(long accountId) {
        held.remove(accountId);
    }
}
