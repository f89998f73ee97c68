package dev.letterbox.bench;

import dev.letterbox.config.Config;
import dev.letterbox.config.ConfigLoader;
import dev.letterbox.server.LetterboxServer;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.Protocol;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Outbound relay throughput between two Letterbox instances in one JVM on loopback: the sender's
 * queue is filled while delivery is on hold, then the sender restarts with the relay running and we
 * time until the receiver has stored every message and the sender's queue is empty. Every message
 * is one SMTP transaction (STARTTLS, PIPELINING) from the sender and one fsynced local delivery at
 * the receiver; the receiver's INBOX count is the ground truth.
 *
 * <p>Usage: {@code RelayThroughput MESSAGES SIZE WORKERS...} (e.g. {@code 2000 10240 1 4 16}).
 */
public final class RelayThroughput {
    private RelayThroughput() {}

    public static void main(String[] args) throws Exception {
        int messages = Integer.parseInt(args[0]);
        int size = Integer.parseInt(args[1]);
        try (TestDnsServer dns = new TestDnsServer()) {
            TestServer receiver = new TestServer("other.test", "[smtp]\ncommand_rate_per_ip = 0\n[log]\nlevel = \"warning\"\n");
            receiver.start();
            try {
                dns.mx("other.test", 10, "mail.other.test").a("mail.other.test", "127.0.0.1");
                for (int i = 2; i < args.length; i++) {
                    int workers = Integer.parseInt(args[i]);
                    String bob = receiver.newUser("bob" + workers);
                    double rate = run(dns, receiver, bob, messages, size, workers);
                    System.out.printf("workers=%d messages=%d size=%d: %.1f msgs/s%n", workers, messages, size, rate);
                }
            } finally {
                receiver.stop();
            }
        }
    }

    private static double run(TestDnsServer dns, TestServer receiver, String to, int messages, int size, int workers)
            throws Exception {
        Path data = Files.createTempDirectory("letterbox-bench-relay-");
        try {
            return measure(data, dns, receiver, to, messages, size, workers);
        } finally {
            TestServer.deleteTree(data);
        }
    }

    private static double measure(Path data, TestDnsServer dns, TestServer receiver, String to, int messages, int size,
                                  int workers) throws Exception {
        String base = "hostname = \"mail.example.test\"\n[listen]\naddress = \"127.0.0.1\"\n[listen.ports]\n"
                + "smtp = 0\nsubmission = false\nsubmissions = false\nimap = false\nimaps = false\npop3 = false\n"
                + "pop3s = false\nmanagesieve = false\nhttp = false\nhttps = false\n[log]\nlevel = \"warning\"\n"
                + "[dns]\nservers = [\"" + dns.address() + "\"]\n";
        String delivery = "[delivery]\nremote_port = " + receiver.port("smtp") + "\nmax_concurrent = " + workers
                + "\nmax_per_domain = " + workers + "\n";
        Config held = ConfigLoader.parse(base + delivery + "hold = true\n",
                new ConfigLoader.Overrides(Optional.of(data), Optional.empty(), Optional.empty()), "bench");
        try (LetterboxServer sender = LetterboxServer.start(held)) {
            sender.directory().addDomain("example.test");
            sender.directory().addAccount("alice@example.test", "bench password".toCharArray(), 0, Protocol.all());
            byte[] body = message(size);
            dev.letterbox.store.BlobId blob;
            try (var writer = sender.store().blobs().create()) {
                writer.stream().write(body);
                blob = writer.commit();
            }
            for (int i = 0; i < messages; i++) {
                sender.queue().enqueue(new QueuedMessage.Envelope("alice@example.test", blob, body.length, Instant.now(),
                        QueuedMessage.Body.SEVEN_BIT, false, Optional.empty(), Optional.empty(), OptionalLong.empty()),
                        List.of(QueuedMessage.NewRecipient.pending(to, Optional.empty(), Optional.empty())), "bench");
            }
        }
        Config running = ConfigLoader.parse(base + delivery,
                new ConfigLoader.Overrides(Optional.of(data), Optional.empty(), Optional.empty()), "bench");
        long start = System.nanoTime();
        try (LetterboxServer sender = LetterboxServer.start(running)) {
            long account = receiver.account(to).id();
            var store = receiver.server().store();
            while (true) {
                long stored = store.read(account, tx -> tx.status(tx.mailbox("INBOX").orElseThrow().id())).messages();
                boolean drained = sender.store().queue().recipientCounts().isEmpty();
                if (stored >= messages && drained) break;
                Thread.sleep(10);
            }
            return messages / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static byte[] message(int size) {
        StringBuilder sb = new StringBuilder("From: <alice@example.test>\r\nTo: <bob@other.test>\r\nSubject: bench\r\n"
                + "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: <bench@example.test>\r\n\r\n");
        while (sb.length() < size) sb.append("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
