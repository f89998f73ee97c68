package dev.letterbox.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.PasswordHasher;
import dev.letterbox.config.Config;
import dev.letterbox.delivery.Pipeline;
import dev.letterbox.dkim.DkimKeyStore;
import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.relay.MessageSigner;
import dev.letterbox.relay.OutboundTls;
import dev.letterbox.relay.RemoteDelivery;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.sql.SqlMailStore;
import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.ScriptedSmtpServer;
import dev.letterbox.testing.TestDnsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one queue: two {@link QueueRunner}s, each with its own store opened on the same
 * SQLite data directory (as two servers on one database), relaying to one scripted SMTP sink. What
 * the sink receives is the truth: how many times each message arrived.
 */
class SharedQueueTest {
    private static final Pattern SERIAL = Pattern.compile("Subject: message (\\d+)\r\n");

    @TempDir
    Path data;
    TestDnsServer dns;
    ScriptedSmtpServer sink;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer();
        dns.mx("remote.test", 10, "mx.remote.test").a("mx.remote.test", "127.0.0.1");
        sink = new ScriptedSmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
        sink.close();
        dns.close();
    }

    private MailStore store() {
        MailStore store = SqlMailStore.openSqlite(data);
        open.add(store);
        return store;
    }

    /** A node: its own store on the shared data dir and a runner that says its id in EHLO. */
    private QueueRunner node(MailStore store, String id, Duration lease, int maxConcurrent) throws IOException {
        var config = new Config.Delivery(false, sink.port(), List.of(Duration.ofSeconds(1)), Duration.ofDays(1), maxConcurrent,
                maxConcurrent, Optional.empty(), List.of(), Optional.empty(), Optional.empty(), id, lease);
        String hostname = id + ".example.test";
        Directory directory = new Directory(store.directory(), new PasswordHasher());
        MailQueue queue = new MailQueue(store.queue());
        var remote = new RemoteDelivery(new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)),
                OutboundTls.load(Optional.empty()), new MessageSigner(new DkimKeyStore(data), directory::hostsDomain), config,
                hostname);
        var runner = new QueueRunner(queue, store, directory, new Pipeline(store, directory, queue, hostname), remote,
                new Metrics(), config, hostname);
        open.add(runner);
        return runner;
    }

    private static List<Long> enqueue(MailStore store, int first, int count) throws IOException {
        List<Long> ids = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            byte[] bytes = ("From: <s@example.test>\r\nTo: <r@remote.test>\r\nSubject: message " + i + "\r\n\r\nhello\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            BlobId blob;
            try (BlobStore.BlobWriter w = store.blobs().create()) {
                try (OutputStream out = w.stream()) {
                    out.write(bytes);
                }
                blob = w.commit();
            }
            var envelope = new QueuedMessage.Envelope("s@example.test", blob, bytes.length, Instant.now(),
                    QueuedMessage.Body.SEVEN_BIT, false, Optional.empty(), Optional.empty(), OptionalLong.empty());
            ids.add(store.queue().enqueue(envelope, List.of(QueuedMessage.NewRecipient.pending("r@remote.test", Optional.empty(),
                    Optional.empty()))));
        }
        return ids;
    }

    /** How many times the sink got each message, by its serial. */
    private Map<Integer, Integer> arrivals() {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (ScriptedSmtpServer.Received r : sink.received()) {
            Matcher m = SERIAL.matcher(r.data());
            assertTrue(m.find(), r.data());
            counts.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
        }
        return counts;
    }

    private void awaitQueueEmpty(MailStore store) {
        Eventually.until(Duration.ofSeconds(60), "the queue to empty; arrivals " + arrivals(),
                () -> store.queue().list(0, 1000).isEmpty());
    }

    private long helos(String node) {
        return sink.commands().stream().filter(c -> c.equalsIgnoreCase("EHLO " + node + ".example.test")).count();
    }

    @Test
    void twoNodesDeliverEachMessageOnce() throws Exception {
        sink.dataDelay(20);
        MailStore one = store(), two = store();
        enqueue(one, 0, 40);
        QueueRunner a = node(one, "node-a", Duration.ofSeconds(30), 3), b = node(two, "node-b", Duration.ofSeconds(30), 3);
        a.start();
        b.start();
        awaitQueueEmpty(two);
        Map<Integer, Integer> arrivals = arrivals();
        assertEquals(40, arrivals.size(), "every message arrived: " + arrivals);
        assertTrue(arrivals.values().stream().allMatch(n -> n == 1), "each exactly once: " + arrivals);
        assertTrue(helos("node-a") > 0 && helos("node-b") > 0, "both nodes worked: " + sink.commands().size());
    }

    @Test
    void whatADeadNodeHeldWaitsForItsLeaseThenAnotherNodeDeliversItOnce() throws Exception {
        MailStore one = store(), two = store();
        List<Long> ids = enqueue(one, 0, 6);
        // a node that claimed these and was killed (SIGKILL) before its attempts: its leases stay behind
        Duration deadLease = Duration.ofSeconds(3);
        var dead = one.queue().claimDue("node-dead", Instant.now(), 4, deadLease);
        assertEquals(ids.subList(0, 4), dead.stream().map(QueuedMessage.Lease::messageId).toList());
        Instant leaseEnd = dead.getFirst().until();

        QueueRunner b = node(two, "node-b", Duration.ofSeconds(30), 4);
        b.start();
        Eventually.until(Duration.ofSeconds(20), "the two unheld messages", () -> arrivals().size() == 2);
        assertEquals(Map.of(4, 1, 5, 1), arrivals(), "the dead node's messages wait for its lease");
        awaitQueueEmpty(two);
        assertTrue(!Instant.now().isBefore(leaseEnd), "not before the lease ran out");
        Map<Integer, Integer> arrivals = arrivals();
        assertEquals(6, arrivals.size(), "the others were taken over: " + arrivals);
        assertTrue(arrivals.values().stream().allMatch(n -> n == 1), "each exactly once: " + arrivals);
    }

    @Test
    void aLongAttemptKeepsItsLeaseByRenewingIt() throws Exception {
        sink.dataDelay(3_000); // three leases long
        MailStore one = store(), two = store();
        enqueue(one, 0, 1);
        QueueRunner a = node(one, "node-a", Duration.ofSeconds(1), 2);
        a.start();
        Eventually.until(Duration.ofSeconds(20), "node-a's attempt to be in DATA", () -> sink.mostConcurrentData() == 1);
        QueueRunner b = node(two, "node-b", Duration.ofSeconds(1), 2);
        b.start();
        awaitQueueEmpty(two);
        assertEquals(Map.of(0, 1), arrivals(), "node-b never took the message from under node-a");
        assertEquals(0, helos("node-b"));
    }

    @Test
    void whenOneNodeStopsTheOtherFinishesTheRest() throws Exception {
        sink.dataDelay(100);
        MailStore one = store(), two = store();
        enqueue(one, 0, 24);
        int concurrentA = 2;
        QueueRunner a = node(one, "node-a", Duration.ofSeconds(30), concurrentA), b = node(two, "node-b", Duration.ofSeconds(30), 2);
        a.start();
        b.start();
        Eventually.until(Duration.ofSeconds(30), "a few deliveries", () -> sink.received().size() >= 6);
        a.close(); // its attempts in flight are interrupted and their leases given back
        long helosAtStop = helos("node-a");
        awaitQueueEmpty(two);
        Map<Integer, Integer> arrivals = arrivals();
        assertEquals(24, arrivals.size(), "node-b finished the rest: " + arrivals);
        // an attempt cut off after the sink took the data is sent again by node-b: at least once, never lost
        long twice = arrivals.values().stream().filter(n -> n > 1).count();
        assertTrue(arrivals.values().stream().allMatch(n -> n <= 2) && twice <= concurrentA,
                "at most node-a's attempts in flight twice: " + arrivals);
        assertEquals(helosAtStop, helos("node-a"), "node-a sent nothing after its stop");
    }
}
