package dev.letterbox.cli;

import static dev.letterbox.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.config.ConfigLoader;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.sql.StoreFactory;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code letterbox backup} while SMTP and IMAP clients keep writing, then {@code letterbox restore}
 * into a new data directory: every message acknowledged before the backup started is there, whole.
 */
class BackupRestoreTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @TempDir
    Path temp;

    private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: (\\S+)\r\n");

    /** One message; every fourth is over the inline limit, so it is a blob file. */
    private static String message(String subject, int n) {
        String filler = n % 4 == 0 ? ("x".repeat(998) + "\r\n").repeat(200) : "small\r\n";
        return "From: load@example.org\r\nTo: someone@example.test\r\nSubject: " + subject + "\r\n\r\n" + filler;
    }

    /** Sends messages over SMTP until stopped; each subject goes to {@code acked} after its 250. */
    private static void smtpLoad(String user, String name, AtomicBoolean stop, ConcurrentLinkedQueue<String> acked) throws IOException {
        try (LineClient c = server.connect("smtp")) {
            c.expectPrefix("220 ");
            c.send("EHLO load.example.org");
            while (!c.readLine().startsWith("250 ")) {
                // the EHLO keywords
            }
            for (int n = 1; !stop.get(); n++) {
                String subject = name + "-" + n;
                c.send("MAIL FROM:<load@example.org>");
                c.expectPrefix("250 ");
                c.send("RCPT TO:<" + user + ">");
                c.expectPrefix("250 ");
                c.send("DATA");
                c.expectPrefix("354 ");
                c.sendRaw(message(subject, n) + ".\r\n");
                c.expectPrefix("250 ");
                acked.add(subject);
            }
        }
    }

    /** Appends messages over IMAP (LITERAL+) until stopped; each subject goes to {@code acked} after its OK. */
    private static void imapLoad(String user, String name, AtomicBoolean stop, ConcurrentLinkedQueue<String> acked) throws IOException {
        try (LineClient c = server.connectTls("imaps")) {
            c.expectPrefix("* OK");
            c.send("L LOGIN \"" + user + "\" \"" + TestServer.PASSWORD + "\"");
            tagged(c, "L ");
            for (int n = 1; !stop.get(); n++) {
                String subject = name + "-" + n;
                byte[] msg = message(subject, n).getBytes(StandardCharsets.UTF_8);
                c.sendRaw("A" + n + " APPEND INBOX {" + msg.length + "+}\r\n");
                c.sendRaw(msg);
                c.sendRaw("\r\n");
                tagged(c, "A" + n + " ");
                acked.add(subject);
            }
        }
    }

    /** Reads up to the tagged answer starting with {@code tag}, which must be OK. */
    private static void tagged(LineClient c, String tag) throws IOException {
        String line;
        while ((line = c.readLine()) != null && !line.startsWith(tag)) {
            // untagged answers (EXISTS of the other writers' messages)
        }
        assertTrue(line != null && line.startsWith(tag + "OK"), "expected " + tag + "OK, got " + line);
    }

    @Test
    void aBackupUnderLoadRestoresEveryMessageAcknowledgedBeforeItStarted() throws Exception {
        Path backup = temp.resolve("backup");
        if (TestServer.onPostgres()) {
            Cli.Result refused = run("backup", backup.toString(), "--data", server.dataDir().toString());
            assertEquals(1, refused.exit());
            assertTrue(refused.err().contains("pg_dump"), refused.err());
            return;
        }
        String user = server.newUser("backup");
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
        List<Thread> load = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            String name = (t % 2 == 0 ? "smtp" : "imap") + t;
            boolean smtp = t % 2 == 0;
            load.add(Thread.ofVirtual().start(() -> {
                try {
                    if (smtp) smtpLoad(user, name, stop, acked);
                    else imapLoad(user, name, stop, acked);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (acked.size() < 40 && System.nanoTime() < deadline && failures.isEmpty()) Thread.sleep(50);
            assertTrue(acked.size() >= 40, "load is running: " + acked.size() + " " + failures);
            Set<String> before = new HashSet<>(acked); // acknowledged before the backup starts

            Cli.Result first = run("backup", backup.toString(), "--data", server.dataDir().toString());
            assertEquals(0, first.exit(), first.err());
            assertTrue(first.out().startsWith("backed up "), first.out());
            int during = acked.size();
            long waitMore = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (acked.size() < during + 8 && System.nanoTime() < waitMore && failures.isEmpty()) Thread.sleep(50);

            Cli.Result second = run("backup", backup.toString(), "--data", server.dataDir().toString());
            assertEquals(0, second.exit(), second.err());
            Matcher counts = Pattern.compile("(\\d+) message files, (\\d+) copied now").matcher(second.out());
            assertTrue(counts.find(), second.out());
            assertTrue(Long.parseLong(counts.group(2)) < Long.parseLong(counts.group(1)),
                    "the second backup copies only new message files: " + second.out());
            before = new HashSet<>(before);
            before.addAll(List.copyOf(acked).subList(0, during)); // acknowledged before the second backup started

            stop.set(true);
            for (Thread t : load) t.join(Duration.ofMinutes(2));
            assertEquals(List.of(), failures);

            Path restored = temp.resolve("restored");
            Cli.Result r = run("restore", backup.toString(), "--data", restored.toString());
            assertEquals(0, r.exit(), r.err());
            Set<String> found = subjects(restored, user);
            Set<String> missing = new HashSet<>(before);
            missing.removeAll(found);
            assertEquals(Set.of(), missing, "every message acknowledged before the backup started is restored");
            assertTrue(found.size() <= acked.size());

            Cli.Result fsck = run("fsck", "--data", restored.toString());
            assertEquals(0, fsck.exit(), fsck.out() + fsck.err());
            assertEquals("the store is consistent\n", fsck.out());

            Cli.Result again = run("restore", backup.toString(), "--data", restored.toString());
            assertEquals(1, again.exit());
            assertTrue(again.err().contains("is not empty"), again.err());
        } finally {
            stop.set(true);
            for (Thread t : load) t.join(Duration.ofMinutes(2));
        }
    }

    @Test
    void anUnreadableBackupIsRefusedAndNothingIsWritten() throws Exception {
        Path notABackup = Files.createDirectories(temp.resolve("empty"));
        Path target = temp.resolve("target");
        Cli.Result none = run("restore", notABackup.toString(), "--data", target.toString());
        assertEquals(1, none.exit());
        assertTrue(none.err().contains("is not a backup"), none.err());

        if (TestServer.onPostgres()) return;
        Path backup = temp.resolve("backup");
        server.deliver(server.newUser("damaged"), "Subject: one\r\n\r\nbody\r\n");
        assertEquals(0, run("backup", backup.toString(), "--data", server.dataDir().toString()).exit());
        byte[] db = Files.readAllBytes(backup.resolve("letterbox.db"));
        for (int i = 4096; i < db.length; i += 97) db[i] = (byte) 0x5a; // damage every page but the header
        Files.write(backup.resolve("letterbox.db"), db);
        Cli.Result damaged = run("restore", backup.toString(), "--data", target.toString());
        assertEquals(1, damaged.exit());
        assertTrue(damaged.err().contains("letterbox.db"), "names the file: " + damaged.err());
        assertTrue(!Files.exists(target) || Files.list(target).findAny().isEmpty(), "nothing written");
    }

    @Test
    void aBackupThatCannotBeCompletedLeavesThePreviousOneWhole() throws Exception {
        if (TestServer.onPostgres()) return;
        Path backup = temp.resolve("backup");
        String user = server.newUser("broken");
        server.deliver(user, "Subject: big\r\n\r\n" + ("z".repeat(998) + "\r\n").repeat(200));
        assertEquals(0, run("backup", backup.toString(), "--data", server.dataDir().toString()).exit());
        byte[] database = Files.readAllBytes(backup.resolve("letterbox.db"));
        String manifest = Files.readString(backup.resolve("letterbox-backup.properties"));

        server.deliver(user, "Subject: newer\r\n\r\n" + ("n".repeat(998) + "\r\n").repeat(200));
        String blob = null; // the newer message's file: the one the backup does not hold yet
        try (var db = java.sql.DriverManager.getConnection(server.jdbcUrl()); var s = db.createStatement();
             var rs = s.executeQuery("SELECT id FROM blob WHERE content IS NULL")) {
            while (rs.next()) {
                String id = rs.getString(1);
                if (!Files.exists(backup.resolve("blobs").resolve(id.substring(0, 2)).resolve(id))) blob = id;
            }
        }
        assertTrue(blob != null);
        Path live = server.dataDir().resolve("blobs").resolve(blob.substring(0, 2)).resolve(blob);
        Path aside = temp.resolve("aside");
        Files.move(live, aside); // as if freed after each snapshot: every attempt misses it
        try {
            Cli.Result failed = run("backup", backup.toString(), "--data", server.dataDir().toString());
            assertEquals(1, failed.exit(), failed.out());
            assertTrue(failed.err().contains("blobs keep disappearing while the backup copies them"), failed.err());
            assertFalse(Files.exists(backup.resolve("letterbox.db.partial")), "no snapshot left behind");
        } finally {
            Files.move(aside, live);
        }
        assertTrue(java.util.Arrays.equals(database, Files.readAllBytes(backup.resolve("letterbox.db"))), "the previous database stays");
        assertEquals(manifest, Files.readString(backup.resolve("letterbox-backup.properties")));
        Path restored = temp.resolve("restored");
        Cli.Result r = run("restore", backup.toString(), "--data", restored.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(subjects(restored, user).contains("big"));
    }

    /** The subjects of the messages in {@code user}'s INBOX of the store in {@code dataDir}, each read whole. */
    private static Set<String> subjects(Path dataDir, String user) throws IOException {
        var config = ConfigLoader.load(Optional.empty(), new ConfigLoader.Overrides(Optional.of(dataDir), Optional.empty(), Optional.empty()));
        Set<String> out = new HashSet<>();
        try (MailStore store = StoreFactory.open(config.store(), dataDir)) {
            long account = store.directory().account(user).orElseThrow().id();
            List<MessageMeta> metas = store.read(account, tx -> {
                Mailbox inbox = tx.mailbox(Mailbox.INBOX).orElseThrow();
                return tx.messages(inbox.id(), 1, Long.MAX_VALUE, 100_000);
            });
            for (MessageMeta m : metas) {
                try (InputStream in = store.blobs().open(m.blob())) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    assertEquals(m.size(), text.getBytes(StandardCharsets.UTF_8).length, "whole");
                    Matcher s = SUBJECT.matcher(text);
                    assertTrue(s.find(), text.substring(0, Math.min(300, text.length())));
                    out.add(s.group(1));
                }
            }
        }
        return out;
    }
}
