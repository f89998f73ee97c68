package dev.letterbox.store;

import java.io.IOException;

/**
 * A test seam at the points where the store forces data to disk, the points every "stored" a client
 * hears (SMTP 250, IMAP OK, POP3 +OK) rests on. Tests count the syncs a command made before its
 * reply, and make one fail as a full or broken disk would, to see the client told "try again" with
 * nothing kept. Production stores run with {@link #NONE}.
 *
 * <p>Called on the thread doing the sync (a session's thread for blob files, the store's writer
 * thread for commits), so an implementation must be thread-safe and quick.
 */
public interface DurabilityHooks {
    /** What is being made durable. */
    enum Sync {
        /** A blob file's bytes, forced ({@code fsync}) before the file is renamed to its final name. */
        BLOB_FILE,
        /** A blob directory, forced after the rename so the file's new name survives a crash. */
        BLOB_DIRECTORY,
        /**
         * A database transaction's commit (with {@code synchronous=FULL}, its fsync), which also makes
         * durable the small message bodies the store keeps in the database.
         */
        DATABASE_COMMIT,
        /**
         * The commits made without waiting for a fsync of their own (flag changes, see
         * {@code MailStore.writeUnsynced}), forced to disk a moment later when no synced commit did it first.
         */
        UNSYNCED_COMMITS
    }

    DurabilityHooks NONE = new DurabilityHooks() {};

    /** Just before the sync; an exception thrown here makes the sync fail as an I/O error would. */
    default void beforeSync(Sync what) throws IOException {}

    /** After the sync succeeded. */
    default void synced(Sync what) {}

    /**
     * The hooks a store's parts share: a store is built with one slot, and what a test installs in it
     * later reaches every part at once.
     */
    final class Slot implements DurabilityHooks {
        private volatile DurabilityHooks installed = NONE;

        public void install(DurabilityHooks hooks) {
            installed = hooks == null ? NONE : hooks;
        }

        @Override
        public void beforeSync(Sync what) throws IOException {
            installed.beforeSync(what);
        }

        @Override
        public void synced(Sync what) {
            installed.synced(what);
        }
    }
}
