package dev.letterbox.dmarc;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@link AggregateReporter} on a virtual thread: shortly after start (reports due while
 * the server was down go out then) and every {@link #INTERVAL} after. Hourly is the most often a
 * report period can end (see {@link AggregateReports}), so no report waits much past its period.
 * {@link #close} stops it, letting a run in progress finish.
 */
public final class ReportScheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.dmarc");
    public static final Duration INTERVAL = Duration.ofHours(1);
    static final Duration FIRST_RUN = Duration.ofMinutes(1);

    private final AggregateReporter reporter;
    private final Clock clock;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    private ReportScheduler(AggregateReporter reporter, Clock clock, Duration first, Duration interval) {
        this.reporter = reporter;
        this.clock = clock;
        this.thread = Thread.ofVirtual().name("letterbox-dmarc-reports").start(() -> loop(first, interval));
    }

    public static ReportScheduler start(AggregateReporter reporter, Clock clock) {
        return new ReportScheduler(reporter, clock, FIRST_RUN, INTERVAL);
    }

    /** With other intervals, for tests. */
    static ReportScheduler start(AggregateReporter reporter, Clock clock, Duration first, Duration interval) {
        return new ReportScheduler(reporter, clock, first, interval);
    }

    private void loop(Duration first, Duration interval) {
        Duration wait = first;
        while (true) {
            try {
                if (stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) return;
            } catch (InterruptedException e) {
                return;
            }
            try {
                int n = reporter.runOnce(clock.instant());
                if (n > 0) LOG.log(System.Logger.Level.INFO, "{0} DMARC aggregate report(s) queued", n);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "DMARC aggregate reports failed this time", e);
            }
            wait = interval;
        }
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
