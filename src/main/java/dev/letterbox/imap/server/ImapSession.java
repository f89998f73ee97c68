package dev.letterbox.imap.server;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ImapParser;
import dev.letterbox.imap.ImapReader;
import dev.letterbox.imap.ImapSyntaxException;
import dev.letterbox.imap.ImapWriter;
import dev.letterbox.imap.RawCommand;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.imap.Status;
import dev.letterbox.imap.StoredLiteral;
import dev.letterbox.net.Connection;
import dev.letterbox.net.LineTooLongException;
import dev.letterbox.store.Account;
import dev.letterbox.store.Change;
import dev.letterbox.store.ChangeBus;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One IMAP connection. The session thread reads a command, checks it against the state in one
 * place ({@link #refusal}), runs its handler through one exhaustive switch ({@link #run(ImapCommand)}),
 * brings the selected mailbox's view up to date where RFC 3501 §7.4.1 allows, and writes the tagged
 * response.
 *
 * <p>Threads: the session thread holds {@link #lock} while a command runs. During IDLE it waits for
 * "DONE" without the lock; a change to the selected mailbox (announced by the store after commit)
 * starts a short-lived virtual thread that takes the lock, reads what changed and writes the
 * untagged responses ({@link #push}). The store's listener itself only sets flags.
 */
final class ImapSession implements ImapReader.Session {
    static final System.Logger LOG = System.getLogger("letterbox.imap");
    /** BAD responses in a row after which the client is disconnected. */
    private static final int MAX_BAD_IN_A_ROW = 20;
    /** Longest line accepted while idling or during AUTHENTICATE. */
    static final int MAX_RESPONSE_LINE = 8192;

    private final ImapService service;
    private final Connection conn;
    private final ImapWriter out;
    private final ImapReader reader;
    /** Guards {@link #out} and the selected view: held while a command runs and by IDLE pushes. */
    final ReentrantLock lock = new ReentrantLock();

    SessionState state = new SessionState.NotAuthenticated();
    /** RFC 5161 ENABLE / RFC 7162 state. */
    private final Enabled enabled = new Enabled();
    /** What handlers see of this session. */
    private final CommandContext ctx;
    /** Whether CONDSTORE was on before the running command (ENABLE lists only what it turned on). */
    boolean condstoreWasOn;
    boolean compressing;
    private ChangeBus.Subscription subscription;
    /** While another account's shared mailbox is selected: that account's changes (null otherwise). */
    private ChangeBus.Subscription ownerSubscription;
    /** Whether the credential this session logged in with still counts; null before login. */
    private dev.letterbox.auth.LoginWatch loginWatch;
    /** The selected mailbox id for the store listener (0 = none); read without the lock. */
    private volatile long watchedMailbox;
    /** The view that holds a mailbox index, until deselected or the session ends; under the lock. */
    private SelectedMailbox heldView;
    /** The selected mailbox changed since the view was last brought up to date. */
    volatile boolean dirty;
    private final AtomicBoolean pushScheduled = new AtomicBoolean();
    /** Another session of this account changed its private \Seen in the selected mailbox (see {@link PrivateSeen}). */
    private final AtomicBoolean privateFlagsChanged = new AtomicBoolean();
    /** The tag of the running IDLE, null when not idling. */
    private volatile String idleTag;
    private int badInARow;
    /** RFC 5465 NOTIFY SET in force, or null; read by the store's listener. */
    volatile Notifications notify;

    ImapSession(ImapService service, Connection conn) {
        this.service = service;
        this.conn = conn;
        this.out = new ImapWriter(conn.output());
        this.reader = new ImapReader(new ConnectionSource(conn),
                new ImapReader.Limits(service.config.maxCommandLength(), service.config.maxCommandLength()));
        this.ctx = new CommandContext(this, service, conn, out, enabled);
    }

    void run() throws IOException {
        try {
            lock.lock();
            try {
                out.untagged(Status.OK, ResponseCode.capability(Capabilities.of(ctx)), "Letterbox IMAP server ready");
            } finally {
                lock.unlock();
            }
            conn.flush();
            while (!(state instanceof SessionState.LoggedOut)) {
                if (idleTag != null) {
                    // The IDLE wait: near the top of the stack, with every buffer given back.
                    String line = reader.readPlainLine(MAX_RESPONSE_LINE);
                    if (line == null) return;
                    endIdle(line);
                } else {
                    ImapReader.Result result = reader.read(this);
                    if (result == null) return;
                    switch (result) {
                        case ImapReader.Blank b -> { }
                        case ImapReader.Refused r -> refused(r);
                        case ImapReader.Command c -> execute(c.command());
                    }
                }
                if (!conn.hasBufferedInput()) conn.flush(); // a pipelined batch is answered in one write
            }
        } catch (ImapReader.LineTooLongException e) {
            lock.lock();
            try {
                out.untagged(Status.BYE, null, "Command line too long");
            } finally {
                lock.unlock();
            }
            conn.flush();
        } finally {
            idleTag = null;
            if (subscription != null) subscription.close();
            if (loginWatch != null) loginWatch.close();
            lock.lock();
            try {
                closeView();
            } finally {
                lock.unlock();
            }
        }
    }

    // ---------------------------------------------------------------- one command

    private void refused(ImapReader.Refused r) throws IOException {
        lock.lock();
        try {
            if (r.tag() == null) out.untagged(r.status(), r.code(), r.text());
            else out.tagged(r.tag(), r.status(), r.code(), r.text());
            if (r.status() == Status.BAD) countBad();
        } finally {
            lock.unlock();
        }
    }

    private void execute(RawCommand raw) throws IOException {
        try (raw) {
            ImapCommand command;
            try {
                command = ImapParser.parse(raw, new ImapParser.Context(enabled.utf8));
            } catch (ImapSyntaxException e) {
                lock.lock();
                try {
                    out.tagged(raw.tag(), e.status(), e.code(), e.getMessage());
                    if (e.status() == Status.BAD) countBad();
                } finally {
                    lock.unlock();
                }
                return;
            }
            long started = System.nanoTime();
            lock.lock();
            try {
                runChecked(command);
            } finally {
                lock.unlock();
            }
            service.metrics.commandLatency("imap", command.name(), System.nanoTime() - started);
        }
    }

    private void runChecked(ImapCommand command) throws IOException {
        if (credentialRevoked()) {
            if (command instanceof ImapCommand.Login l) java.util.Arrays.fill(l.password(), '\0');
            return;
        }
        String refusal = refusal(command);
        Done done;
        if (refusal != null) {
            if (command instanceof ImapCommand.Login l) java.util.Arrays.fill(l.password(), '\0');
            done = Done.bad(refusal);
        } else {
            try {
                condstoreWasOn = enabled.condstore;
                if (command.enablesCondstore()) {
                    // a SELECT reports HIGHESTMODSEQ for the mailbox it opens, not the one it closes
                    enableCondstore(!(command instanceof ImapCommand.Select));
                }
                done = run(command);
            } catch (MailboxException e) {
                done = Done.no(codeFor(e), e.getMessage());
            } catch (MailboxAccess.Denied e) {
                done = Done.no(ResponseCode.noPerm(), e.getMessage());
            } catch (StoreException e) {
                LOG.log(WARNING, "{0}: {1} failed: {2}", who(), command.name(), e.toString());
                done = Done.no(ResponseCode.unavailable(), "Internal error, try again later");
            } catch (RuntimeException e) {
                LOG.log(WARNING, who() + ": " + command.name() + " failed", e);
                done = Done.no(ResponseCode.serverBug(), "Internal error");
            }
        }
        if (done == null) return; // answered by the handler
        if (state instanceof SessionState.Selected s && !(command instanceof ImapCommand.Logout)) {
            // kept search results (RFC 5267) must follow this command's own changes too
            syncView(s.mailbox(), expungesAllowed(command), s.mailbox().updates.active());
        }
        Notifications n = notify;
        if (n != null && !(state instanceof SessionState.LoggedOut)) n.deliver(ctx);
        if (state instanceof SessionState.LoggedOut && done.status() != Status.OK) return;
        out.tagged(command.tag(), done.status(), done.code(), done.text());
        if (done.status() == Status.BAD) countBad(); else badInARow = 0;
    }

    /**
     * The one state check (RFC 3501 §6, RFC 9051 §6), from the state each command declares
     * ({@link ImapCommand#needs}): null when {@code command} is valid now, otherwise the BAD text.
     */
    private String refusal(ImapCommand command) {
        boolean authenticated = state instanceof SessionState.Authenticated || state instanceof SessionState.Selected;
        return switch (command.needs()) {
            case ANY -> null;
            case NOT_AUTHENTICATED -> authenticated ? "Already logged in" : null;
            case AUTHENTICATED -> authenticated ? null : "Log in first";
            case SELECTED -> state instanceof SessionState.Selected ? null : authenticated ? "No mailbox selected" : "Log in first";
        };
    }

    /** The dispatcher: one handler per command, by family. */
    private Done run(ImapCommand command) throws IOException {
        return switch (command) {
            case ImapCommand.Capability c -> capability();
            case ImapCommand.Noop c -> noop();
            case ImapCommand.Logout c -> logout();
            case ImapCommand.Id c -> SessionHandler.id(ctx, c);
            case ImapCommand.Enable c -> SessionHandler.enable(ctx, c);
            case ImapCommand.Compress c -> SessionHandler.compress(ctx, c);
            case ImapCommand.Namespace c -> SessionHandler.namespace(ctx);
            case ImapCommand.StartTls c -> AuthHandler.startTls(ctx, c);
            case ImapCommand.Authenticate c -> AuthHandler.authenticate(ctx, c);
            case ImapCommand.Login c -> AuthHandler.login(ctx, c);
            case ImapCommand.Select c -> SelectHandler.select(ctx, c);
            case ImapCommand.Close c -> SelectHandler.close(ctx);
            case ImapCommand.Unselect c -> SelectHandler.unselect(ctx);
            case ImapCommand.Check c -> noop();
            case ImapCommand.Create c -> MailboxHandler.create(ctx, c);
            case ImapCommand.Delete c -> MailboxHandler.delete(ctx, c);
            case ImapCommand.Rename c -> MailboxHandler.rename(ctx, c);
            case ImapCommand.Subscribe c -> MailboxHandler.subscribe(ctx, c.mailbox(), true);
            case ImapCommand.Unsubscribe c -> MailboxHandler.subscribe(ctx, c.mailbox(), false);
            case ImapCommand.GetStatus c -> MailboxHandler.status(ctx, c);
            case ImapCommand.ListMailboxes c -> ListHandler.list(ctx, c);
            case ImapCommand.Lsub c -> ListHandler.lsub(ctx, c);
            case ImapCommand.Append c -> AppendHandler.append(ctx, c);
            case ImapCommand.GetQuota c -> QuotaHandler.getQuota(ctx, c);
            case ImapCommand.GetQuotaRoot c -> QuotaHandler.getQuotaRoot(ctx, c);
            case ImapCommand.SetQuota c -> QuotaHandler.setQuota(ctx);
            case ImapCommand.SetAcl c -> AclHandler.setAcl(ctx, c);
            case ImapCommand.DeleteAcl c -> AclHandler.deleteAcl(ctx, c);
            case ImapCommand.GetAcl c -> AclHandler.getAcl(ctx, c);
            case ImapCommand.ListRights c -> AclHandler.listRights(ctx, c);
            case ImapCommand.MyRights c -> AclHandler.myRights(ctx, c);
            case ImapCommand.GetMetadata c -> MetadataHandler.get(ctx, c);
            case ImapCommand.SetMetadata c -> MetadataHandler.set(ctx, c);
            case ImapCommand.Notify c -> Notifications.notify(ctx, c);
            case ImapCommand.Idle c -> idle(c);
            case ImapCommand.GenUrlAuth c -> UrlHandler.genUrlAuth(ctx, c);
            case ImapCommand.ResetKey c -> UrlHandler.resetKey(ctx, c);
            case ImapCommand.UrlFetch c -> UrlHandler.urlFetch(ctx, c);
            case ImapCommand.Fetch c -> FetchHandler.fetch(ctx, c);
            case ImapCommand.Store c -> StoreHandler.store(ctx, c);
            case ImapCommand.Copy c -> StoreHandler.copy(ctx, c.uid(), c.set(), c.mailbox(), false);
            case ImapCommand.Move c -> StoreHandler.copy(ctx, c.uid(), c.set(), c.mailbox(), true);
            case ImapCommand.Expunge c -> StoreHandler.expunge(ctx, c);
            case ImapCommand.Search c -> SearchHandler.search(ctx, c);
            case ImapCommand.Sort c -> SearchHandler.sort(ctx, c);
            case ImapCommand.CancelUpdate c -> SearchHandler.cancelUpdate(ctx, c);
            case ImapCommand.ThreadMessages c -> SearchHandler.thread(ctx, c);
        };
    }

    /**
     * RFC 3501 §7.4.1: no EXPUNGE while answering FETCH, STORE or SEARCH (nor SORT, THREAD, COPY
     * and MOVE by sequence number, which name messages by position too); the UID forms may carry them.
     */
    private static boolean expungesAllowed(ImapCommand command) {
        return switch (command) {
            case ImapCommand.Fetch c -> c.uid();
            case ImapCommand.Store c -> c.uid();
            case ImapCommand.Search c -> c.uid();
            case ImapCommand.Sort c -> c.uid();
            case ImapCommand.ThreadMessages c -> c.uid();
            case ImapCommand.Copy c -> c.uid();
            case ImapCommand.Move c -> c.uid();
            default -> true;
        };
    }

    static ResponseCode codeFor(MailboxException e) {
        return switch (e.reason()) {
            case NONEXISTENT, NOT_FOUND -> ResponseCode.nonExistent();
            case ALREADY_EXISTS, DUPLICATE -> ResponseCode.alreadyExists();
            case INVALID_NAME, NOT_ALLOWED -> ResponseCode.cannot();
            case OVER_QUOTA -> ResponseCode.overQuota();
            case LIMIT -> ResponseCode.limit();
        };
    }

    private void countBad() throws IOException {
        if (++badInARow >= MAX_BAD_IN_A_ROW) {
            out.untagged(Status.BYE, null, "Too many invalid commands");
            state = new SessionState.LoggedOut();
        }
    }

    // ---------------------------------------------------------------- any state (RFC 3501 §6.1)

    /** RFC 3501 §6.1.1. */
    private Done capability() throws IOException {
        out.star().atom("CAPABILITY");
        for (String c : Capabilities.of(ctx)) out.atom(c);
        out.end();
        return Done.ok("Capability completed");
    }

    /** RFC 3501 §6.1.2: the view is brought up to date even when no change was announced. */
    private Done noop() {
        if (state instanceof SessionState.Selected) dirty = true;
        return Done.ok("NOOP completed");
    }

    /** RFC 3501 §6.1.3. */
    private Done logout() throws IOException {
        out.untagged(Status.BYE, null, "Logging out");
        state = new SessionState.LoggedOut();
        return Done.ok("Logout completed");
    }

    // ---------------------------------------------------------------- login state changes

    /** Enters the authenticated state and starts listening for the account's changes. */
    void authenticated(Account account, dev.letterbox.auth.LoginWatch watch) {
        conn.loggedIn();
        state = new SessionState.Authenticated(account);
        loginWatch = watch;
        subscription = service.store.changes().subscribe(account.id(), this::onChange);
    }

    /**
     * True, after saying BYE, when the credential this session logged in with was revoked or
     * changed (an app password revoked, a new password, the account disabled): the session ends at
     * its next command, whatever that is. Under the lock.
     */
    private boolean credentialRevoked() throws IOException {
        if (loginWatch == null || state instanceof SessionState.LoggedOut || loginWatch.stillValid()) return false;
        out.untagged(Status.BYE, null, "Your login is no longer valid (password changed or revoked); log in again");
        state = new SessionState.LoggedOut();
        watchedMailbox = 0;
        return true;
    }

    boolean loggedIn() {
        return state instanceof SessionState.Authenticated || state instanceof SessionState.Selected;
    }

    /** The client went away in the middle of a command: the session ends without a tagged response. */
    void loggedOut() {
        state = new SessionState.LoggedOut();
    }

    Account account() {
        return switch (state) {
            case SessionState.Authenticated a -> a.account();
            case SessionState.Selected s -> s.account();
            default -> throw new IllegalStateException("not logged in");
        };
    }

    /** The selected mailbox, or null. */
    SelectedMailbox selected() {
        return state instanceof SessionState.Selected s ? s.mailbox() : null;
    }

    /**
     * A CONDSTORE-enabling command ({@link ImapCommand#enablesCondstore}, RFC 7162 §3.1) turns
     * CONDSTORE on before its handler runs. The first
     * one given with a mailbox selected also reports that mailbox's HIGHESTMODSEQ, as the SELECT did
     * for a client that had asked for CONDSTORE there: the highest MODSEQ this session has reported,
     * so that no change the client has not yet heard of is covered by it.
     */
    private void enableCondstore(boolean report) throws IOException {
        if (enabled.condstore) return;
        enabled.condstore = true;
        SelectedMailbox view = selected();
        if (report && view != null) out.untagged(Status.OK, ResponseCode.highestModSeq(view.knownModSeq()), "Highest");
    }

    void select(SelectedMailbox mailbox) {
        closeView();
        state = new SessionState.Selected(account(), mailbox);
        heldView = mailbox;
        watchedMailbox = mailbox.id;
        dirty = false;
        // the store announces a mailbox's changes to its owner's subscribers: listen there too
        if (mailbox.ownerId != account().id()) ownerSubscription = service.store.changes().subscribe(mailbox.ownerId, this::onChange);
    }

    void deselect() {
        closeView();
        state = new SessionState.Authenticated(account());
        watchedMailbox = 0;
        dirty = false;
    }

    /** Lets go of the last selected mailbox's shared index (also once the session has logged out). */
    private void closeView() {
        if (ownerSubscription != null) {
            ownerSubscription.close();
            ownerSubscription = null;
        }
        if (heldView == null) return;
        heldView.index.close(); // lets go of the shared index
        heldView = null;
    }

    /** Runs on the store's publishing thread: only records and signals. */
    private void onChange(Change change) {
        long watched = watchedMailbox;
        Notifications n = notify;
        if (n != null && n.signal(change, watched)) schedulePush();
        if (watched == 0) return;
        boolean relevant = switch (change) {
            case Change.MailboxContent c -> c.mailboxId() == watched;
            case Change.PrivateFlags p -> {
                boolean here = p.mailboxId() == watched;
                if (here) privateFlagsChanged.set(true);
                yield here;
            }
            case Change.MailboxList l -> true; // the selected mailbox may have been deleted
            case Change.AccountChanged a -> false;
            case Change.SieveScripts s -> false;
            case Change.Metadata m -> false; // NOTIFY's business (above)
        };
        if (!relevant) return;
        dirty = true;
        if (idleTag != null || (n != null && n.pushesSelected())) schedulePush();
    }

    private void schedulePush() {
        if (pushScheduled.compareAndSet(false, true)) {
            Thread.ofVirtual().name("imap-push-" + conn.sessionId()).start(this::push);
        }
    }

    // ---------------------------------------------------------------- the selected view

    /**
     * Brings the selected mailbox's view up to date and tells the client (EXISTS, FETCH flags, and
     * EXPUNGE/VANISHED when {@code expunges}). Does nothing when no change was announced unless
     * {@code force}. When the mailbox is gone, says BYE and ends the session.
     */
    void syncView(SelectedMailbox view, boolean expunges, boolean force) throws IOException {
        if (!dirty && !force && !view.hasPendingExpunges()) return;
        dirty = false;
        long maxUidBefore = view.uids.maxUid();
        try {
            if (!ViewUpdates.sync(ctx, view, expunges)) {
                out.untagged(Status.BYE, null, "The selected mailbox was deleted");
                state = new SessionState.LoggedOut();
                watchedMailbox = 0;
            } else {
                // this user's own \Seen in another's mailbox, changed by another of its sessions
                if (view.privateSeen != null && privateFlagsChanged.getAndSet(false)) view.privateSeen.refresh(ctx, view);
                Notifications n = notify;
                if (n != null) n.newMessages(ctx, view, maxUidBefore);
                if (view.updates.active()) view.updates.refresh(ctx, view);
            }
        } catch (StoreException e) {
            dirty = true; // try again at the next command
            LOG.log(WARNING, "{0}: cannot refresh the selected mailbox: {1}", who(), e.toString());
        }
    }

    // ---------------------------------------------------------------- IDLE (RFC 2177, RFC 9051 §6.3.13)

    private Done idle(ImapCommand.Idle c) throws IOException {
        out.continuation("idling");
        if (state instanceof SessionState.Selected s) syncView(s.mailbox(), true, true);
        idleTag = c.tag();
        out.release();
        return null;
    }

    /**
     * Runs on a short-lived virtual thread when a change arrives during IDLE, or at any time for
     * what NOTIFY asked to hear at once (RFC 5465 §1: unsolicited responses outside commands).
     */
    private void push() {
        lock.lock();
        try {
            pushScheduled.set(false);
            boolean idling = idleTag != null;
            Notifications n = notify;
            if (!idling && n == null) return;
            if (state instanceof SessionState.Selected s && (idling || n.pushesSelected())) {
                syncView(s.mailbox(), idling || n.expungesAnytime(), false);
            }
            if (n != null && (state instanceof SessionState.Authenticated || state instanceof SessionState.Selected)) {
                n.deliver(ctx);
            }
            conn.flush();
            if (state instanceof SessionState.LoggedOut) conn.close();
        } catch (IOException e) {
            conn.close(); // the session thread's read fails and the session ends
        } catch (RuntimeException e) {
            LOG.log(WARNING, "{0}: IDLE update failed: {1}", who(), e.toString());
        } finally {
            out.release();
            lock.unlock();
        }
    }

    private void endIdle(String line) throws IOException {
        lock.lock();
        try {
            String tag = idleTag;
            idleTag = null;
            if (credentialRevoked()) return;
            if (!line.equalsIgnoreCase("DONE")) {
                out.tagged(tag, Status.BAD, null, "Expected DONE to end IDLE");
                countBad();
                return;
            }
            if (state instanceof SessionState.Selected s) syncView(s.mailbox(), true, false);
            if (!(state instanceof SessionState.LoggedOut)) out.tagged(tag, Status.OK, null, "IDLE terminated");
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- literals (ImapReader.Session)

    @Override
    public void continueLiteral() throws IOException {
        lock.lock();
        try {
            out.continuation("Ready for literal data");
        } finally {
            lock.unlock();
        }
        conn.flush();
        conn.expectDataAfterReply();
    }

    @Override
    public long streamLimit(String commandName) {
        boolean authenticated = state instanceof SessionState.Authenticated || state instanceof SessionState.Selected;
        return authenticated && commandName.equals("APPEND") ? service.config.appendLimit() : 0;
    }

    @Override
    public StoredLiteral store(InputStream data, long size) throws IOException {
        return BlobLiteral.receive(service.store.blobs(), data, size);
    }

    // ---------------------------------------------------------------- helpers

    /** TLS, or plaintext allowed from loopback by configuration. */
    boolean plaintextAllowed() {
        return conn.isTls() || (service.config.plaintextAuthOnLoopback() && conn.isLoopback());
    }

    /** "imaps 6f8lqd6k", the session prefix the network layer logs with. */
    String who() {
        return conn.listenerName() + " " + conn.sessionId();
    }

    static void debug(String format, Object... args) {
        LOG.log(DEBUG, format, args);
    }

    /** Adapts the connection's bounded line reader to the pure reader's interface. */
    private record ConnectionSource(Connection conn) implements ImapReader.Source {
        @Override
        public byte[] readLine(int maxLength) throws IOException {
            try {
                return conn.readLine(maxLength);
            } catch (LineTooLongException e) {
                throw new ImapReader.LineTooLongException();
            }
        }

        @Override
        public InputStream input() {
            return conn.input();
        }
    }
}
