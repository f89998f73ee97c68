package dev.letterbox.bench;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/** Heap figures for the bench: live heap after full GCs, and a per-class histogram diff. */
final class HeapMeasure {
    private HeapMeasure() {}

    /** Used heap after repeated full GCs (the smallest reading: what is really live). */
    static long settledHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(300);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Live instances and bytes per class, the data {@code jcmd GC.class_histogram} prints. */
    static Map<String, long[]> histogram() throws Exception {
        Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
        Map<String, long[]> classes = new HashMap<>();
        for (String line : text.toString().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return classes;
    }

    /** What n connections added between two histograms, per connection, largest first. */
    static void printGrowth(Map<String, long[]> before, Map<String, long[]> after, int n) {
        System.out.println("per connection:  instances     bytes  class");
        after.entrySet().stream()
                .map(e -> {
                    long[] b = before.getOrDefault(e.getKey(), new long[2]);
                    return Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
                })
                .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
                .limit(25)
                .forEach(e -> System.out.printf(Locale.ROOT, "%27.2f %9.0f  %s%n",
                        e.getValue()[0] / (double) n, e.getValue()[1] / (double) n, e.getKey()));
    }
}
