package dev.letterbox.imap.server;

import dev.letterbox.store.Account;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.ReadTx;
import dev.letterbox.store.Rights;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place that decides what a session may do with a mailbox (RFC 4314 §4), and where a
 * client's mailbox name leads (RFC 2342 namespaces). Names in the personal namespace are the
 * logged-in account's own mailboxes, on which it has every right; {@code Other Users/owner/Folder}
 * names the owner's mailbox {@code Folder}, on which the session has what the owner granted.
 *
 * <p>A session that lacks a right is refused with NO [NOPERM], except when it may not even see
 * the mailbox (no "l" and no "r"): then the answer is the one for a mailbox that does not exist,
 * so nobody learns what others have by trying names. Every handler asks here before it acts.
 */
final class MailboxAccess {
    /** The "Other Users" namespace's prefix (RFC 2342 §5), followed by the owner's address. */
    static final String OTHER_USERS = "Other Users";
    /**
     * The shared namespace's prefix (RFC 2342 §5): {@code Shared/Folder} names the folder of the
     * user's domain's shared account ({@code [imap] shared_account}, e.g. shared@example.com), on
     * which the user has what that account granted, as in "Other Users". While the domain has no
     * such account, the namespace is empty and a personal folder of that name is simply personal.
     */
    static final String SHARED = "Shared";

    private MailboxAccess() {}

    /**
     * Where a client's name leads: the owner's account, the owner's name for the mailbox, and the
     * session's rights on it ({@link Rights#NONE} when the owner has no such mailbox, or nothing granted).
     * {@code mailbox} is empty when it does not exist.
     */
    record Target(long ownerId, String owner, String storeName, String clientName, Optional<Mailbox> mailbox, Rights rights) {
        boolean own(CommandContext ctx) {
            return ownerId == ctx.account().id();
        }

        boolean has(char right) {
            return rights.has(right);
        }

        /** The mailbox, or NONEXISTENT (also when it exists but the session may not see it). */
        Mailbox existing() {
            if (mailbox.isEmpty() || !visible()) throw nonexistent();
            return mailbox.get();
        }

        /** True when the session may know the mailbox exists (RFC 4314 §4: "l", or "r" for SELECT and STATUS). */
        boolean visible() {
            return mailbox.isPresent() && (rights.has('l') || rights.has('r'));
        }

        /** The mailbox, after checking the session has {@code right} on it. */
        Mailbox require(char right) {
            Mailbox m = existing();
            if (!rights.has(right)) throw new Denied(right);
            return m;
        }
    }

    /** A right the session lacks on a mailbox it may see: NO [NOPERM]. */
    static final class Denied extends RuntimeException {
        Denied(char right) {
            super("Permission denied: the \"" + right + "\" right is needed (RFC 4314)", null, false, false);
        }
    }

    /** Where {@code clientName} (already normalized) leads for this session. */
    static Target resolve(CommandContext ctx, String clientName) {
        return resolve(ctx, clientName, tx -> tx.mailbox(clientName));
    }

    /**
     * {@link #resolve}, looking a name of the session's own namespace up with {@code ownLookup}
     * (a read that learns more in the same query); other names are looked up as always.
     */
    static Target resolve(CommandContext ctx, String clientName, Function<ReadTx, Optional<Mailbox>> ownLookup) {
        Account me = ctx.account();
        Optional<Other> other = Other.parse(clientName);
        if (other.isEmpty() && isPrefix(SHARED, clientName)) {
            other = sharedAccount(ctx).map(owner -> new Other(owner,
                    clientName.length() > SHARED.length() ? clientName.substring(SHARED.length() + 1) : ""));
        }
        if (other.isEmpty()) {
            Optional<Mailbox> m = ctx.store(me.id()).readOne(ownLookup::apply);
            return new Target(me.id(), me.address(), clientName, clientName, m, Rights.ALL);
        }
        Other o = other.get();
        Optional<Account> owner = o.owner().isEmpty() ? Optional.empty() : ctx.directory().account(o.owner());
        if (owner.isEmpty() || o.folder().isEmpty()) {
            return new Target(0, o.owner(), o.folder(), clientName, Optional.empty(), Rights.NONE);
        }
        long ownerId = owner.get().id();
        if (ownerId == me.id()) { // one's own mailbox by its other name: one's own rights
            Optional<Mailbox> m = ctx.store(me.id()).readOne(tx -> tx.mailbox(o.folder()));
            return new Target(me.id(), me.address(), o.folder(), clientName, m, Rights.ALL);
        }
        Optional<Mailbox> m = ctx.store(ownerId).readOne(tx -> tx.mailbox(o.folder()));
        Rights rights = m.map(x -> ctx.grants().rights(x.id(), me.id())).orElse(Rights.NONE);
        return new Target(ownerId, owner.get().address(), o.folder(), clientName, m, rights);
    }

    /**
     * {@link #resolve} for a command that learns whether the mailbox exists from its own write
     * (APPEND: the store answers NONEXISTENT): a name of the session's own namespace is not looked
     * up, so its target's {@code mailbox} is empty whether or not the mailbox exists; another
     * user's name or a Shared/ one is resolved as always (the rights depend on the mailbox).
     */
    static Target resolveForWrite(CommandContext ctx, String clientName) {
        // another user's name, or one under Shared/ (which may be the domain's shared account's)
        if (Other.parse(clientName).isPresent() || isPrefix(SHARED, clientName)) return resolve(ctx, clientName);
        Account me = ctx.account();
        return new Target(me.id(), me.address(), clientName, clientName, Optional.empty(), Rights.ALL);
    }

    /** Resolves the name and returns the mailbox after checking the session has {@code right} on it. */
    static Target require(CommandContext ctx, String clientName, char right) {
        Target t = resolve(ctx, clientName);
        t.require(right);
        return t;
    }

    /**
     * The parent under which {@code clientName} would be created must allow it: one's own namespace
     * always, another's only with "k" on the existing parent mailbox (RFC 4314 §4 CREATE). Returns
     * the target for the new name.
     */
    static Target requireCreate(CommandContext ctx, String clientName) {
        Target t = resolve(ctx, clientName);
        if (t.own(ctx)) return t;
        int slash = clientName.lastIndexOf('/');
        Target parent = slash < 0 ? null : resolve(ctx, clientName.substring(0, slash));
        // a parent the session may not see is answered as one that does not exist
        if (parent == null || parent.ownerId() != t.ownerId() || !parent.visible()) {
            throw new MailboxException(MailboxException.Reason.NOT_ALLOWED, "Cannot create mailboxes here");
        }
        parent.require('k');
        return t;
    }

    /**
     * RFC 4314 §4 STORE: \Seen needs "s", \Deleted "t", every other flag "w"; replacing the flags
     * touches all of them. Throws {@link Denied} for the first right missing.
     */
    static void requireFlagRights(Rights rights, Flags flags, boolean replace) {
        if ((replace || flags.has(Flags.SEEN)) && !rights.has('s')) throw new Denied('s');
        if ((replace || flags.has(Flags.DELETED)) && !rights.has('t')) throw new Denied('t');
        int others = flags.system() & ~(Flags.SEEN | Flags.DELETED);
        if ((replace || others != 0 || !flags.keywords().isEmpty()) && !rights.has('w')) throw new Denied('w');
    }

    /** RFC 4314 §4 APPEND and COPY: flags the session may not set are dropped from the new message, not refused. */
    static Flags allowedFlags(Rights rights, Flags flags) {
        int system = flags.system();
        if (!rights.has('s')) system &= ~Flags.SEEN;
        if (!rights.has('t')) system &= ~Flags.DELETED;
        if (!rights.has('w')) return Flags.ofSystem(system & (Flags.SEEN | Flags.DELETED));
        return Flags.of(system, flags.keywords());
    }

    /**
     * True when {@code name} lies in the "Other Users" namespace, so it cannot name a new mailbox of
     * one's own. ("Shared/" is not reserved while that namespace is empty: folders users already
     * have under that name stay theirs.)
     */
    static boolean inOtherUsers(String name) {
        return isPrefix(OTHER_USERS, name);
    }

    private static boolean isPrefix(String prefix, String name) {
        return name.equals(prefix) || name.startsWith(prefix + "/");
    }

    /**
     * The client's name of another account's mailbox: under "Shared/" when the owner is
     * {@code sharedAccount} (the session's domain's shared account, {@link #sharedAccount}).
     */
    static String otherName(Optional<String> sharedAccount, String owner, String storeName) {
        if (sharedAccount.filter(owner::equals).isPresent()) return SHARED + "/" + storeName;
        return OTHER_USERS + "/" + owner + "/" + storeName;
    }

    /** The address of the session's domain's shared account, when it is configured and exists. */
    static Optional<String> sharedAccount(CommandContext ctx) {
        String local = ctx.config().sharedAccount();
        if (local.isEmpty()) return Optional.empty();
        String me = ctx.account().address();
        String address = local + me.substring(me.lastIndexOf('@'));
        return ctx.directory().account(address).map(Account::address);
    }

    static MailboxException nonexistent() {
        return new MailboxException(MailboxException.Reason.NONEXISTENT, "Mailbox does not exist");
    }

    /** "Other Users/owner/folder" taken apart; the owner is compared lower-case, as addresses are stored. */
    private record Other(String owner, String folder) {
        static Optional<Other> parse(String name) {
            if (!isPrefix(OTHER_USERS, name)) return Optional.empty();
            String rest = name.length() > OTHER_USERS.length() ? name.substring(OTHER_USERS.length() + 1) : "";
            int slash = rest.indexOf('/');
            String owner = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(java.util.Locale.ROOT);
            String folder = slash < 0 ? "" : rest.substring(slash + 1);
            return Optional.of(new Other(owner, folder));
        }
    }
}
