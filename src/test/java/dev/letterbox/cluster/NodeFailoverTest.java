package dev.letterbox.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.relay.OutboundTls;
import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.LetterboxCluster;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.NodeProcess;
import dev.letterbox.testing.ScriptedSmtpServer;
import dev.letterbox.testing.TestDnsServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that several nodes make one server (issue 12): PostgreSQL, three Letterbox nodes as
 * separate processes on one database, haproxy (TCP, send-proxy-v2) in front of SMTP and IMAP. SMTP
 * and IMAP clients load the cluster through haproxy, one node is SIGKILLed in the middle, the
 * clients reconnect to the others and go on; then every message a client was told is stored
 * (250 / tagged OK) must be in the store exactly once. The killed node is the one in the middle of
 * delivering a message to a remote server; a survivor delivers it once the dead node's lease has run
 * out. And a client IDLEing on one node hears of an APPEND on another within tens of milliseconds.
 *
 * <p>Needs PostgreSQL and haproxy: skipped without them, required in CI (LETTERBOX_REQUIRE_TOOLS=1).
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeFailoverTest {
    private static final Duration LOAD_BEFORE_KILL = Duration.ofSeconds(4);
    private static final Duration LOAD_AFTER_KILL = Duration.ofSeconds(5);
    private static final Pattern LOAD_SUBJECT = Pattern.compile("(?m)^Subject: load (\\S+)");

    @TempDir
    static Path dir;

    /** How long a node's claim on a queued message keeps the others off: short, so the takeover is quick to see. */
    private static final Duration LEASE = Duration.ofSeconds(3);

    private static LetterboxCluster cluster;
    private static TestDnsServer dns;
    private static ScriptedSmtpServer sink; // remote.test's mail server

    @BeforeAll
    static void startCluster() throws Exception {
        dns = new TestDnsServer();
        dns.mx("remote.test", 10, "mx.remote.test").a("mx.remote.test", "127.0.0.1");
        sink = new ScriptedSmtpServer();
        cluster = LetterboxCluster.start(dir, 3, i -> "[dns]\nservers = [\"" + dns.address() + "\"]\ntimeout = \"1s\"\n"
                + "[delivery]\nremote_port = " + sink.port() + "\nretry_intervals = [\"1s\"]\nnode_id = \"node" + i + "\"\n"
                + "lease = \"" + LEASE.toSeconds() + "s\"\n");
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (cluster != null) cluster.close();
        if (sink != null) sink.close();
        if (dns != null) dns.close();
    }

    @Test
    @Order(1)
    void everyAcknowledgedMessageIsStoredOnceAfterANodeIsKilledMidLoad() throws Exception {
        List<String> accounts = List.of(cluster.addUser("load-a"), cluster.addUser("load-b"), cluster.addUser("load-c"));
        int smtpPort = cluster.haproxyPort("smtp");
        int imapPort = cluster.haproxyPort("imap");
        Ledger ledger = new Ledger();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean watching = new AtomicBoolean(true); // the idlers outlast the load, to see its end
        List<Thread> clients = new ArrayList<>();
        List<Thread> idlers = new ArrayList<>();

        // one watcher per account; connected first, one after another, so round robin puts one on each node
        List<LoadClients.IdleWatcher> watchers = new ArrayList<>();
        for (String account : accounts) {
            LoadClients.IdleWatcher w = new LoadClients.IdleWatcher(imapPort, account, LetterboxCluster.PASSWORD, watching::get);
            watchers.add(w);
            idlers.add(Thread.ofVirtual().name("idle-" + account).start(w));
            Eventually.until(Duration.ofSeconds(20), account + "'s watcher to select INBOX", () -> w.lastExists.get() >= 0);
        }
        for (int i = 0; i < 4; i++) {
            clients.add(Thread.ofVirtual().name("smtp-" + i).start(LoadClients.smtpSender(smtpPort, accounts, ledger, running::get)));
        }
        for (int i = 0; i < 2; i++) {
            clients.add(Thread.ofVirtual().name("imap-" + i).start(LoadClients.imapAppender(imapPort, accounts.get(i),
                    LetterboxCluster.PASSWORD, ledger, running::get)));
        }

        long loadStart = System.nanoTime();
        // mail for a remote recipient, in the middle of its delivery when the node working on it dies:
        // the sink has the data and holds back its answer
        sink.dataDelay(Duration.ofMinutes(5).toMillis());
        String sender = cluster.addUser("remote-sender");
        long queued = submitRemote(cluster.node("node3"), sender, "remote-1@remote.test", "remote 1");
        Eventually.until(Duration.ofSeconds(20), "the first delivery attempt to be in DATA",
                () -> sink.received().stream().anyMatch(r -> r.data().contains("Subject: remote 1\r\n")));
        String holder = cluster.store().queue().message(queued).flatMap(QueuedMessage::lease).orElseThrow().owner();

        Thread.sleep(LOAD_BEFORE_KILL.toMillis());
        int ackedBeforeKill = ledger.acknowledged().size();
        NodeProcess victim = cluster.node(holder); // the node holding the remote message's lease
        victim.kill(); // SIGKILL: no shutdown, no flush, connections reset by the kernel
        long killed = System.nanoTime();
        sink.dataDelay(0);
        Thread.sleep(LOAD_AFTER_KILL.toMillis());
        running.set(false);
        for (Thread t : clients) t.join(Duration.ofSeconds(30));

        Map<String, String> acked = ledger.acknowledged();
        Set<String> inDoubt = ledger.inDoubt();
        int ackedAfterKill = acked.size() - ackedBeforeKill;
        Map<String, Map<String, Integer>> stored = new HashMap<>();
        for (String account : accounts) stored.put(account, storedLoadIds(account));

        int storedTotal = stored.values().stream().mapToInt(Map::size).sum();
        long storedInDoubt = inDoubt.stream().filter(id -> stored.values().stream().anyMatch(m -> m.containsKey(id))).count();
        System.out.printf("failover: %d acknowledged (%d before the kill of %s, %d after), %d stored, %d in doubt "
                        + "(answer lost with the connection: %d of them stored, %d not), %d refused, %d reconnects, idle drops %s%n",
                acked.size(), ackedBeforeKill, victim.name(), ackedAfterKill, storedTotal, inDoubt.size(), storedInDoubt,
                inDoubt.size() - storedInDoubt, ledger.refusedCount(), ledger.reconnects(),
                watchers.stream().map(w -> w.drops.get()).toList());
        System.out.println("failover: acknowledged per 500 ms (the kill after " + (killed - loadStart) / 500_000_000 + " slices): "
                + ledger.ackTimeline(loadStart, Duration.ofMillis(500)) + "; deadlocks PostgreSQL broke between the nodes' "
                + "transactions: " + cluster.deadlocks());

        assertTrue(ackedBeforeKill > 0, "load reached the cluster before the kill");
        assertTrue(ackedAfterKill > 0, "load went on after the kill (the clients found the survivors)");
        assertTrue(watchers.stream().anyMatch(w -> w.drops.get() > 0), "the kill dropped an idler's connection");
        List<String> missing = new ArrayList<>();
        List<String> misplaced = new ArrayList<>();
        acked.forEach((id, account) -> {
            if (stored.get(account).containsKey(id)) return;
            if (stored.values().stream().anyMatch(m -> m.containsKey(id))) misplaced.add(id);
            else missing.add(id);
        });
        assertEquals(List.of(), missing, "acknowledged but not stored");
        assertEquals(List.of(), misplaced, "acknowledged but stored for another account");
        // each id went out once; anything stored twice the cluster duplicated (acknowledged or not)
        Map<String, Integer> duplicates = new TreeMap<>();
        stored.values().forEach(m -> m.forEach((id, n) -> {
            if (n > 1) duplicates.put(id, n);
        }));
        assertEquals(Map.of(), duplicates, "stored more than once");
        // whatever is stored was sent: acknowledged, or in doubt (its answer lost with the kill)
        for (Map<String, Integer> m : stored.values()) {
            for (String id : m.keySet()) {
                assertTrue(acked.containsKey(id) || inDoubt.contains(id), "stored but never sent or refused: " + id);
            }
        }

        // the idlers (each now on a survivor) converge on the stored counts, whatever node wrote them
        for (LoadClients.IdleWatcher w : watchers) {
            int count = stored.get(w.account()).size();
            Eventually.until(Duration.ofSeconds(10), w.account() + "'s idler to see " + count + " EXISTS (last seen: "
                    + w.lastExists.get() + ")", () -> w.lastExists.get() == count);
        }
        watching.set(false);
        for (Thread t : idlers) t.join(Duration.ofSeconds(10));

        // the remote message: another node takes it over once the dead node's lease has run out
        Eventually.until(Duration.ofSeconds(30), "the remote message to leave the queue",
                () -> cluster.store().queue().message(queued).isEmpty());
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        List<String> deliveredBy = sink.commands().stream().filter(c -> c.startsWith("EHLO ")).toList();
        long copies = sink.received().stream().filter(r -> r.data().contains("Subject: remote 1\r\n")).count();
        System.out.println("failover: the remote message queued on " + holder + " was delivered " + takeover.toMillis()
                + " ms after the kill (lease " + LEASE.toSeconds() + " s); the sink saw " + copies + " transfers, EHLOs " + deliveredBy);
        assertEquals(2, copies, "the dead node's unanswered transfer, then one by a survivor");
        assertTrue(!deliveredBy.getLast().equals("EHLO " + holder + "." + LetterboxCluster.DOMAIN), "delivered by a survivor: " + deliveredBy);

    }

    /**
     * Run after the failover, on two survivors: nodes just started are still loading and compiling
     * (20-70 ms a try on busy cores), which says nothing about the feed.
     */
    @Test
    @Order(2)
    void anIdlerOnOneNodeSeesAnAppendOnAnotherWithinTensOfMilliseconds() throws Exception {
        List<NodeProcess> alive = cluster.nodes().stream().filter(NodeProcess::isAlive).toList();
        String account = cluster.addUser("idle-probe");
        IdleProbe.Result r = IdleProbe.measure(alive.get(0), alive.get(1), account, LetterboxCluster.PASSWORD, 20);
        System.out.println("idle across nodes (" + alive.get(1).name() + " -> " + alive.get(0).name() + "): " + r);
        assertIdleBound(r);
    }

    /** Submits a message over the node's port 465 (directly, not through haproxy); returns its queue id. */
    private static long submitRemote(NodeProcess node, String from, String to, String subject) throws Exception {
        var anyCertificate = OutboundTls.load(Optional.empty()).opportunistic();
        try (SmtpClient c = SmtpClient.connectTls("127.0.0.1", node.port("submissions"), anyCertificate, null, Duration.ofSeconds(15))) {
            assertEquals(220, c.greeting().code());
            c.ehlo("client.test");
            assertEquals(235, c.authPlain(from, LetterboxCluster.PASSWORD).code());
            SmtpClient.Result r = c.send(SmtpClient.Envelope.of(from, to), Mail.message(from, to, subject).getBytes(StandardCharsets.UTF_8));
            assertTrue(r.accepted(), r.toString());
            String text = r.data().orElseThrow().text();
            return Long.parseLong(text.replaceAll(".*queued as (\\d+).*", "$1"));
        }
    }

    /**
     * The bound with room for CI (2 shared cores, three JVMs, PostgreSQL): half the tries under
     * 50 ms, none over 500 ms.
     */
    private static void assertIdleBound(IdleProbe.Result r) {
        assertTrue(r.median() < 50, "median " + r);
        assertTrue(r.max() < 500, "max " + r);
    }

    /** The load ids in an account's INBOX, read by the cluster's own store, each with how often it is there. */
    private static Map<String, Integer> storedLoadIds(String account) throws IOException {
        var store = cluster.store();
        long id = cluster.accountId(account);
        List<MessageMeta> metas = store.read(id, tx -> tx.messages(tx.mailbox(Mailbox.INBOX).orElseThrow().id(), 1,
                Long.MAX_VALUE, 1_000_000));
        Map<String, Integer> ids = new HashMap<>();
        for (MessageMeta m : metas) {
            String text;
            try (InputStream in = store.blobs().open(m.blob())) {
                text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            Matcher s = LOAD_SUBJECT.matcher(text);
            if (!s.find()) throw new AssertionError(account + " holds a message that is no load message: " + text);
            ids.merge(s.group(1), 1, Integer::sum);
        }
        return ids;
    }
}
