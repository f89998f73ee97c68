package dev.letterbox.store.sql;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The database's clock as seen from this node. Times that several nodes compare with each other —
 * queue leases, POP3 locks, login-failure windows — are written in the database's time, so a node
 * whose own clock is minutes off neither steals another node's lease early nor holds its own too
 * long. (UIDs and MODSEQs never depend on a clock: the database hands them out in commit order.)
 *
 * <p>The offset is measured at open and every minute after ({@link #measure}); on the embedded
 * store every process shares the machine's clock and the offset stays 0.
 */
final class DatabaseClock {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    /** A skew this large is worth telling the operator about (NTP keeps nodes within milliseconds). */
    private static final long WARN_MILLIS = 2_000;

    private final AtomicLong offsetMillis = new AtomicLong();
    private volatile boolean warned;
    /** This node's clock: the system's, or a skewed one in tests. */
    private volatile LongSupplier nodeClock = System::currentTimeMillis;

    /** Test seam: the node's clock reads {@code clock} from now on (measure again to take it in). */
    void useNodeClock(LongSupplier clock) {
        this.nodeClock = clock;
    }

    /** This node's time {@code nodeMillis} (epoch ms), in the database's time. */
    long toDatabase(long nodeMillis) {
        return nodeMillis + offsetMillis.get();
    }

    /** The database's time {@code databaseMillis}, in this node's time. */
    long toNode(long databaseMillis) {
        return databaseMillis - offsetMillis.get();
    }

    /** Reads the database server's clock (PostgreSQL) and keeps the offset, halving the round trip. */
    void measure(ReadPool reads) {
        long before = nodeClock.getAsLong();
        long database = reads.autocommit(db -> db.firstLong(
                "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)").orElseThrow());
        long after = nodeClock.getAsLong();
        long offset = database - (before + after) / 2;
        offsetMillis.set(offset);
        if (Math.abs(offset) > WARN_MILLIS && !warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "this node's clock is " + offset + " ms behind the database's"
                    + " (negative: ahead); shared times use the database's clock, but dates this node writes"
                    + " (message arrival) will be off: run NTP on every node");
        } else if (Math.abs(offset) <= WARN_MILLIS) {
            warned = false;
        }
    }
}
