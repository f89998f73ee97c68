package dev.letterbox.cluster;

import dev.letterbox.testing.NodeProcess;
import dev.letterbox.testing.ProxyHeaders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How long a message APPENDed on one node takes to reach a client IDLEing on another: the time from
 * sending the APPEND (on node B) to the "* N EXISTS" arriving at the idler (on node A), both
 * clocked in this JVM. It spans B's commit, PostgreSQL's NOTIFY, A's re-read and A's write; the
 * store's promise is only "soon", the cluster's target is under 50 ms.
 *
 * <p>Both connections go to the nodes directly, not through haproxy, each with the PROXY header
 * haproxy would send (the nodes' IMAP listeners take nothing else).
 */
final class IdleProbe {
    /** Milliseconds per try, end to end, and the APPEND's own round trip for comparison. */
    record Result(List<Double> latencies, List<Double> appendRoundTrips, List<Double> warmUp) {
        double median() {
            return percentile(latencies, 50);
        }

        double max() {
            return latencies.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        double appendMedian() {
            return percentile(appendRoundTrips, 50);
        }

        private static double percentile(List<Double> values, int p) {
            List<Double> sorted = values.stream().sorted().toList();
            return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
        }

        @Override
        public String toString() {
            return String.format("median %.1f ms, max %.1f ms over %d tries (APPEND round trip alone: median %.1f ms;"
                    + " the %d warm-up tries before: %s ms)", median(), max(), latencies.size(), appendMedian(), warmUp.size(),
                    warmUp.stream().map(d -> String.format("%.0f", d)).toList());
        }
    }

    /** Tries before the measured ones. */
    private static final int WARM_UP = 5;

    private IdleProbe() {}

    static Result measure(NodeProcess idler, NodeProcess appender, String account, String password, int tries)
            throws IOException, InterruptedException {
        Map<Integer, Long> seen = new ConcurrentHashMap<>(); // EXISTS count -> nanoTime it arrived
        try (ImapWire idle = ImapWire.connect(idler.port("imap"), header(idler));
             ImapWire append = ImapWire.connect(appender.port("imap"), header(appender))) {
            int start = idle.loginAndSelect(account, password);
            append.command("LOGIN \"" + account + "\" \"" + password + "\"");
            idle.idle();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (String line; (line = idle.next(30_000)) != null; ) {
                        int n = ImapWire.exists(line);
                        if (n >= 0) seen.putIfAbsent(n, System.nanoTime());
                    }
                } catch (IOException closed) {
                    // the probe closes the connection when done
                }
            });
            List<Double> latencies = new ArrayList<>();
            List<Double> roundTrips = new ArrayList<>();
            List<Double> warmUp = new ArrayList<>();
            // the first few are not counted: they load and compile the nodes' IDLE and NOTIFY paths
            for (int i = 1; i <= WARM_UP + tries; i++) {
                long sent = System.nanoTime();
                append.append(Ledger.message("probe-" + i, account));
                if (i > WARM_UP) roundTrips.add(millis(System.nanoTime() - sent));
                int expected = start + i;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!seen.containsKey(expected) && System.nanoTime() < deadline) Thread.sleep(0, 200_000);
                Long arrived = seen.get(expected);
                if (arrived == null) throw new AssertionError("the idler on " + idler + " never saw * " + expected + " EXISTS");
                if (i > WARM_UP) latencies.add(millis(arrived - sent));
                else warmUp.add(millis(arrived - sent));
                Thread.sleep(20); // tries apart, so one's notification is not another's
            }
            idle.close();
            reader.join(5_000);
            return new Result(latencies, roundTrips, warmUp);
        }
    }

    private static byte[] header(NodeProcess node) {
        return ProxyHeaders.v2(ProxyHeaders.address("127.0.0.1", 40000), ProxyHeaders.address("127.0.0.1", node.port("imap")));
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
