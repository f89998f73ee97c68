package dev.letterbox.store.sql;

import dev.letterbox.store.Flags;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Mailbox indexes kept on disk between runs, one file per mailbox in this node's directory, so that
 * the first SELECT of a big mailbox after a start reads one file and the changes since instead of
 * every message's row. A snapshot is a cache, never the truth: it is stamped with the account,
 * mailbox, UIDVALIDITY and the HIGHESTMODSEQ it is exact at, and {@link SqlMailboxIndex} uses it only
 * after the database confirmed it can bring it up to date (same UIDVALIDITY, a HIGHESTMODSEQ at or
 * above the stamp, expunge tombstones kept since the stamp). A file that is short, long or fails its
 * checksum is refused whole (and deleted); the index is then built from the database.
 *
 * <p>Format (little-endian), {@value #HEADER} bytes of header: magic, version, account id, mailbox
 * id, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, message count, flag-set count; then each flag set (system
 * bits as an int, the keyword string's UTF-8 length as an int, its bytes); then the five arrays in
 * turn (UIDs as unsigned ints, MODSEQs as longs, flag-set ids as ints, INTERNALDATEs as longs,
 * sizes as unsigned ints): {@value IndexedMessages#BYTES_PER_MESSAGE} bytes per message; last a CRC-32C
 * of everything before it. Written to a temporary file and renamed over the old one, so readers
 * (this node or another one sharing the directory) see a whole file or the previous one.
 */
final class IndexSnapshots {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    private static final int MAGIC = 0x5842_494c; // "LIBX" read as little-endian bytes
    private static final int VERSION = 1;
    static final int HEADER = 4 + 4 + 8 * 5 + 4 + 4;
    /** Bound of the flag-set table and of one keyword string, so a damaged count cannot ask for gigabytes. */
    private static final int MAX_FLAG_SETS = 1 << 20, MAX_KEYWORDS_BYTES = 1 << 16;
    private static final int CHUNK = 1 << 20;

    private final Path dir;

    IndexSnapshots(Path dir) {
        this.dir = dir;
    }

    Path file(long accountId, long mailboxId) {
        return dir.resolve(accountId + "-" + mailboxId + ".index");
    }

    /**
     * Writes {@code data} (exact at its HIGHESTMODSEQ) as the mailbox's snapshot; the caller holds the
     * index's lock. Best effort: a failure is logged and leaves the previous file or none.
     */
    void save(long accountId, long mailboxId, IndexedMessages data) {
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, accountId + "-" + mailboxId + ".", ".tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                write(out, accountId, mailboxId, data);
            }
            try {
                Files.move(tmp, file(accountId, mailboxId), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(accountId, mailboxId), StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write the index snapshot of mailbox " + mailboxId + ": " + e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary file is never read
                }
            }
        }
    }

    /**
     * The mailbox's snapshot if there is one and it is whole and stamped for this mailbox and
     * UIDVALIDITY, at a HIGHESTMODSEQ the database has reached ({@code highestModSeqNow}); null otherwise
     * (the reason logged), and a snapshot of a mailbox no longer there as it was is deleted.
     */
    IndexedMessages load(long accountId, long mailboxId, long uidValidity, long highestModSeqNow) {
        Path file = file(accountId, mailboxId);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            Reader r = new Reader(in);
            if (r.readInt() != MAGIC || r.readInt() != VERSION) return refuse(file, "not a snapshot of this version", false);
            if (r.readLong() != accountId || r.readLong() != mailboxId) return refuse(file, "another mailbox's", true);
            long validity = r.readLong(), uidNext = r.readLong(), modSeq = r.readLong();
            if (validity != uidValidity) return refuse(file, "another UIDVALIDITY", true);
            if (modSeq > highestModSeqNow) {
                return refuse(file, "stamped MODSEQ " + modSeq + " is ahead of the database's " + highestModSeqNow, true);
            }
            int count = r.readInt(), flagSetCount = r.readInt();
            if (count < 0 || (long) count * IndexedMessages.BYTES_PER_MESSAGE > r.size || flagSetCount < 0
                    || flagSetCount > MAX_FLAG_SETS) {
                return refuse(file, "damaged (counts)", true);
            }
            Flags[] flagSets = new Flags[flagSetCount];
            for (int id = 0; id < flagSetCount; id++) {
                int system = r.readInt(), length = r.readInt();
                if (length < 0 || length > MAX_KEYWORDS_BYTES) return refuse(file, "damaged (flags)", true);
                flagSets[id] = Flags.fromStorage(system, new String(r.readBytes(length), StandardCharsets.UTF_8));
            }
            if (r.position() + (long) count * IndexedMessages.BYTES_PER_MESSAGE + 4 != r.size) {
                return refuse(file, "damaged (length)", true);
            }
            int[] uids = r.readInts(count);
            long[] modSeqs = r.readLongs(count);
            int[] flagIds = r.readInts(count);
            long[] dates = r.readLongs(count);
            int[] sizes = r.readInts(count);
            // No pass over the messages to check them: the checksum says the file is what this version
            // wrote from an index that was exact, and a pass costs more than the rest of the read.
            if (!r.checksumMatches()) return refuse(file, "damaged (checksum)", true);
            return IndexedMessages.restored(validity, uidNext, modSeq,
                    new IndexedMessages.Contents(count, uids, modSeqs, flagIds, dates, sizes, flagSets));
        } catch (NoSuchFileException e) {
            return null;
        } catch (EOFException e) {
            return refuse(file, "truncated", true);
        } catch (IOException | RuntimeException e) {
            return refuse(file, e.toString(), false);
        }
    }

    /** Removes the mailbox's snapshot (the mailbox is gone). */
    void delete(long accountId, long mailboxId) {
        try {
            Files.deleteIfExists(file(accountId, mailboxId));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + file(accountId, mailboxId) + ": " + e);
        }
    }

    private IndexedMessages refuse(Path file, String why, boolean delete) {
        LOG.log(System.Logger.Level.INFO, "index snapshot " + file.getFileName() + " not used: " + why);
        if (delete) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // it is refused again next time
            }
        }
        return null;
    }

    private static void write(FileChannel out, long accountId, long mailboxId, IndexedMessages data) throws IOException {
        IndexedMessages.Contents c = data.contents();
        Writer w = new Writer(out);
        w.putInt(MAGIC);
        w.putInt(VERSION);
        w.putLong(accountId);
        w.putLong(mailboxId);
        w.putLong(data.uidValidity);
        w.putLong(data.uidNext);
        w.putLong(data.highestModSeq);
        w.putInt(c.size());
        w.putInt(c.flagSets().length);
        for (Flags f : c.flagSets()) {
            byte[] keywords = f.keywordString().getBytes(StandardCharsets.UTF_8);
            w.putInt(f.system());
            w.putInt(keywords.length);
            w.putBytes(keywords);
        }
        for (int i = 0; i < c.size(); i++) w.putInt(c.uids()[i]);
        for (int i = 0; i < c.size(); i++) w.putLong(c.modSeqs()[i]);
        for (int i = 0; i < c.size(); i++) w.putInt(c.flagIds()[i]);
        for (int i = 0; i < c.size(); i++) w.putLong(c.dates()[i]);
        for (int i = 0; i < c.size(); i++) w.putInt(c.sizes()[i]);
        w.finish();
    }

    /** Buffered little-endian output with a running CRC-32C, appended by {@link #finish}. */
    private static final class Writer {
        private final FileChannel out;
        private final ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();

        Writer(FileChannel out) {
            this.out = out;
        }

        void putInt(int v) throws IOException {
            room(4);
            buf.putInt(v);
        }

        void putLong(long v) throws IOException {
            room(8);
            buf.putLong(v);
        }

        void putBytes(byte[] b) throws IOException {
            room(b.length);
            buf.put(b);
        }

        private void room(int n) throws IOException {
            if (buf.remaining() < n) flush();
        }

        private void flush() throws IOException {
            buf.flip();
            crc.update(buf.duplicate());
            while (buf.hasRemaining()) out.write(buf);
            buf.clear();
        }

        void finish() throws IOException {
            flush();
            buf.putInt((int) crc.getValue()).flip();
            while (buf.hasRemaining()) out.write(buf);
        }
    }

    /**
     * Little-endian input of a mapped file, everything but its last four bytes (the checksum); arrays
     * are copied out in bulk. Mapped rather than read: no copy through a buffer on the heap, and the
     * checksum runs over the mapping in one call.
     */
    private static final class Reader {
        final long size;
        private final ByteBuffer map;

        Reader(FileChannel in) throws IOException {
            this.size = in.size();
            if (size < HEADER + 4 || size > Integer.MAX_VALUE) throw new EOFException();
            this.map = in.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            map.limit((int) size - 4);
        }

        long position() {
            return map.position();
        }

        private void need(long n) throws IOException {
            if (n > map.remaining()) throw new EOFException();
        }

        int readInt() throws IOException {
            need(4);
            return map.getInt();
        }

        long readLong() throws IOException {
            need(8);
            return map.getLong();
        }

        byte[] readBytes(int n) throws IOException {
            need(n);
            byte[] out = new byte[n];
            map.get(out);
            return out;
        }

        int[] readInts(int n) throws IOException {
            need(n * 4L);
            int[] out = new int[n];
            map.asIntBuffer().get(out);
            map.position(map.position() + n * 4);
            return out;
        }

        long[] readLongs(int n) throws IOException {
            need(n * 8L);
            long[] out = new long[n];
            map.asLongBuffer().get(out);
            map.position(map.position() + n * 8);
            return out;
        }

        /** Whether the checksum at the end matches everything before it (call once everything was read). */
        boolean checksumMatches() {
            if (map.hasRemaining()) return false;
            CRC32C crc = new CRC32C();
            crc.update(map.duplicate().position(0));
            ByteBuffer all = map.duplicate().order(ByteOrder.LITTLE_ENDIAN); // a duplicate starts big-endian
            return all.limit((int) size).getInt((int) size - 4) == (int) crc.getValue();
        }
    }
}
