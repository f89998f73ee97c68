/**
 * The parsed-once view of a stored message: MIME part tree with absolute byte offsets into the
 * immutable blob, ENVELOPE and BODYSTRUCTURE as neutral {@link dev.letterbox.message.Node} trees, and
 * the SORT/THREAD/SEARCH keys. Built with Apache James mime4j at delivery/APPEND time and stored with
 * the blob, so FETCH never re-parses.
 *
 * <p>No store, no network imports: callers hand in blob streams/channels.
 */
package dev.letterbox.message;
