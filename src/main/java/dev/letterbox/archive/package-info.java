/**
 * Mail archives in the formats other servers and clients keep mail in — mbox (mboxrd and mboxo),
 * Maildir (with Maildir++ folders) and directories of {@code .eml} files — read for
 * {@code letterbox import} and written by {@code letterbox export}. Readers stream: one message at a
 * time, with no message held whole in memory, so archives of any size pass on the default heap.
 */
package dev.letterbox.archive;
