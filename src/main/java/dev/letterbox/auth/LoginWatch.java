package dev.letterbox.auth;

import dev.letterbox.store.Change;
import dev.letterbox.store.ChangeBus;

/**
 * Keeps a logged-in session honest about its credential. Every change to the account (a new
 * password, an app password revoked, the account disabled or removed, its protocols or the
 * app-password requirement changed) is announced on the {@link ChangeBus} after commit, also when
 * another node or the CLI made it (the store's change feed carries it); the listener only sets a
 * flag, and the session's next command asks {@link #stillValid()}, which re-reads the credential
 * from the store only then. So a revoked app password ends its sessions at their next command,
 * while an unchanged account costs nothing per command.
 */
public final class LoginWatch implements AutoCloseable {
    private final Directory directory;
    private final LoginGrant grant;
    private final ChangeBus.Subscription subscription;
    private volatile boolean changed;
    private boolean revoked;

    LoginWatch(Directory directory, ChangeBus changes, LoginGrant grant) {
        this.directory = directory;
        this.grant = grant;
        this.subscription = changes.subscribe(grant.accountId(), this::onChange);
    }

    /** Runs on the publishing thread: only records. */
    private void onChange(Change change) {
        if (change instanceof Change.AccountChanged) changed = true;
    }

    /** False once the credential no longer admits this session; then it stays false. Session thread only. */
    public boolean stillValid() {
        if (revoked) return false;
        if (!changed) return true;
        changed = false;
        if (!directory.stillValid(grant)) revoked = true;
        return !revoked;
    }

    public LoginGrant grant() {
        return grant;
    }

    @Override
    public void close() {
        subscription.close();
    }
}
