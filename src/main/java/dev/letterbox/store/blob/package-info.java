/**
 * Message bytes as immutable files.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A blob file appears under its final name only complete and fsynced (written in {@code tmp/},
 *       fsynced, renamed atomically, directory fsynced); it is never modified afterwards.</li>
 *   <li>Only the store deletes blob files: after the commit that dropped a blob's last reference, or
 *       when sweeping orphans left by a crash (files older than an hour that nothing refers to).</li>
 * </ul>
 */
package dev.letterbox.store.blob;
