/**
 * Listeners, connections and TLS: everything between a socket and a protocol session.
 *
 * <p>Threads:
 * <ul>
 *   <li>Each listener has two platform threads. One accepts as fast as it can into a small lobby
 *       ({@link dev.letterbox.net.Lobby}, 64 places; when full, the busiest network's newest waiting
 *       connection is closed). The other admits from the lobby the client whose network holds the
 *       fewest connections and takes a connection slot for it: when none is free it closes the
 *       oldest connection not logged in from a network at least as busy, or, with none, waits for a
 *       slot and chooses again. A flood thus competes with itself, and a lone client is served
 *       before it. Each admitted connection holds a slot and runs its
 *       {@link dev.letterbox.net.ConnectionHandler} on its own virtual thread. When the handler
 *       ends, the socket is closed and the slot released, always.</li>
 *   <li>A connection's read side belongs to its session thread. Its write side is guarded by one
 *       {@link java.util.concurrent.locks.ReentrantLock} (never {@code synchronized}, which would
 *       pin the carrier while blocked), so another thread may write and flush while the session
 *       is blocked in a read. Under TLS, unwrap runs on the reader without locks and wrap under the
 *       write lock; when reading makes the TLS engine want to send (handshake, KeyUpdate answer,
 *       close_notify reply), the reader takes the write lock for it.</li>
 *   <li>{@code close()} works from any thread and ends a blocked read. One sweeper thread enforces
 *       every idle and handshake timeout.</li>
 * </ul>
 *
 * <p>PROXY protocol ({@link dev.letterbox.net.ProxyHeader}, listeners with a
 * {@link dev.letterbox.net.ProxyProtocol}): a connection from outside the trusted proxies is closed
 * at accept, before the lobby. The session thread reads the header straight from the socket before
 * anything else (greeting, TLS), never past its last byte, under a short deadline the sweeper
 * enforces; from then on {@code remoteAddress()} is the client the header names, and only then is
 * that client counted against the per-address limit (the lobby only ever saw the proxy).
 *
 * <p>STARTTLS: whatever input was buffered before the handshake is discarded (RFC 3207 §4.2), so a
 * command pipelined behind STARTTLS in plaintext never reaches the session as if it came over TLS.
 * COMPRESS keeps buffered input instead: it is the client's first compressed bytes.
 *
 * <p>Buffers, because idle connections are the ones there are most of (50,000 IMAP IDLE clients
 * must fit in 2 GB): TLS runs on {@link javax.net.ssl.SSLEngine} over the blocking channel, not
 * {@code SSLSocket}, which keeps 40 KiB of record buffers forever. An idle TLS connection waits on
 * a 5-byte record header; a record's ciphertext buffer exists only while that record is read, and
 * the output packet buffer only until the next flush. The line buffer shrinks to 256 bytes whenever
 * it runs dry with nothing waiting and grows to 17 KiB while bulk data flows; the output buffer is
 * dropped at every flush. Under COMPRESS the zlib compressor (256 KiB off-heap) is also ended at
 * every flush; only the inflater's 32 KiB window lives as long as the connection.
 *
 * <p>Nothing a client sends is ever logged, only events and sizes, each line naming the session.
 */
package dev.letterbox.net;
