/**
 * {@code letterbox migrate}: copies an account's mail from another IMAP server (the one it is moving
 * from) through a small IMAP client of its own, with the import's batches and journal, so a second
 * run copies only what arrived since.
 */
package dev.letterbox.migrate;
