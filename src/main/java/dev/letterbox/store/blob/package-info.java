/**
 * Message bytes as immutable files ({@link dev.letterbox.store.blob.FileBlobStore}), the
 * {@link dev.letterbox.store.blob.LargeBlobStore} contract that it and the database's chunks meet,
 * and the locked temporary files ({@link dev.letterbox.store.blob.TempFiles}) that hold partial
 * blobs and every store's scratch space.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A blob file appears under its final name only complete and fsynced (written in {@code tmp/},
 *       fsynced, renamed atomically, directory fsynced); it is never modified afterwards.</li>
 *   <li>A temporary file is locked (an OS file lock) by its writer from creation until it is renamed
 *       into place or discarded; an unlocked temporary file is a partial blob (or scratch) of a
 *       process that died.</li>
 *   <li>Only the store deletes blob files: after the commit that dropped a blob's last reference, or
 *       when recovering at start from a crash: every unlocked temporary file, and committed files
 *       older than an hour that nothing refers to.</li>
 * </ul>
 */
package dev.letterbox.store.blob;
