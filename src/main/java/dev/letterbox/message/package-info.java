/**
 * The parsed-once view of a stored message: the MIME part tree with absolute byte offsets into the
 * immutable blob, ENVELOPE and BODY/BODYSTRUCTURE as neutral {@link dev.letterbox.message.Node} trees
 * (the IMAP writer renders them), the SORT/THREAD keys, and the blob readers FETCH and SEARCH need
 * ({@link dev.letterbox.message.Sections}, {@link dev.letterbox.message.MessageSearch}). A message is
 * parsed at delivery or APPEND ({@link dev.letterbox.message.MessageStructure#parse}) and its
 * {@link dev.letterbox.message.MessageStructure#serialize() stored form} kept with the blob.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Parsing never fails on content: broken MIME degrades (see {@code MimeTreeBuilder}); only an
 *       I/O error of the stream escapes. One pass, memory bounded whatever the input: at most
 *       {@code MAX_HEADER_BYTES} of each header and a short prefix of each body line are held,
 *       nesting stops at {@code MAX_DEPTH} (50) and the tree at {@code MAX_PARTS} (5000) entities;
 *       what lies beyond is content of the enclosing part, never lost from BODY[]/BODY[TEXT].</li>
 *   <li>Offsets are octets of the blob as stored (CRLF or bare LF alike): for every part
 *       headerStart &lt;= bodyStart &lt;= end, inside its parent's body, parts in order without
 *       overlap; the line break before a boundary delimiter belongs to the delimiter (RFC 2046
 *       §5.1.1). BODYSTRUCTURE sizes are {@code end - bodyStart}, so they equal the octets FETCH
 *       BODY[n] returns; line counts are LFs in that range.</li>
 *   <li>A multipart always has at least one part (BODYSTRUCTURE needs one); a message/rfc822 part
 *       always has an envelope and a body.</li>
 *   <li>ENVELOPE and BODYSTRUCTURE strings are raw header text (unfolded, encoded-words undecoded),
 *       8-bit octets read as UTF-8 when valid, else ISO-8859-1. Search and sort keys are decoded.</li>
 *   <li>{@link dev.letterbox.message.MessageStructure} is immutable; the stored form starts with a
 *       format byte, and reading anything else gives IllegalArgumentException, never another error.</li>
 *   <li>Readers of the blob stream it: only the selected header lines, one decoded part (BINARY), or
 *       a text part's characters in 8K pieces (SEARCH) are in memory; non-text parts are not read
 *       by SEARCH.</li>
 * </ul>
 *
 * <p>Only {@link dev.letterbox.message.NulPartEncoder} makes octets to be stored: a message
 * APPENDed with NUL octets (RFC 3516 literal8) is rewritten once, before it is stored and parsed,
 * with the parts holding them in base64; stored messages are never rewritten.
 *
 * <p>No store, network or protocol imports: callers hand in streams and channels of the blob.
 * Apache James mime4j supplies the RFC 2047 and transfer decoders and charset lookup; the structural
 * scan is our own because FETCH needs exact octet offsets, which mime4j's parsers do not expose.
 */
package dev.letterbox.message;
