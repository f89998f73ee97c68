package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.config.ConfigLoader;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.FlagUpdate;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.NewMessage;
import dev.letterbox.store.sql.StoreFactory;
import dev.letterbox.testing.LogCapture;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A big mailbox's index is kept on disk when the server stops and read at the first SELECT after
 * it starts again: what the mailbox became while the server was down (another process wrote to it)
 * must show exactly, as the database has it.
 */
class ImapIndexSnapshotTest {
    @RegisterExtension
    static final TestServer server = new TestServer().samePortsOnRestart();

    /** Enough messages for the server to keep the index's snapshot (smaller mailboxes are read from the rows). */
    private static final int MESSAGES = 10_050;
    private static final byte[] BODY = "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern FETCH = Pattern.compile("^\\* \\d+ FETCH \\(UID (\\d+) FLAGS \\(([^)]*)\\) MODSEQ \\((\\d+)\\)\\)$");

    @Test
    void aMailboxChangedWhileTheServerWasDownIsExactAfterTheRestart() throws Exception {
        String user = server.newUser("snapshot");
        long account = server.account(user).id();
        fill(server.server().store(), account);
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("s1 SELECT INBOX").ok();
            c.run("f1 UID STORE 1:20 +FLAGS.SILENT (\\Flagged $Before)").ok();
            c.run("f2 UID STORE 30:35 +FLAGS.SILENT (\\Deleted)").ok();
            c.run("e1 EXPUNGE").ok();
            c.run("l1 LOGOUT");
        }
        server.stopKeepingData();
        assertTrue(Files.list(server.dataDir().resolve("index-cache")).anyMatch(p -> p.toString().endsWith(".index")),
                "the stopping server wrote the index's snapshot");

        // another process (as the CLI would) changes the mailbox while the server is down
        var config = ConfigLoader.load(Optional.empty(),
                new ConfigLoader.Overrides(Optional.of(server.dataDir()), Optional.empty(), Optional.empty()));
        try (MailStore other = StoreFactory.open(config.store(), server.dataDir())) {
            long inbox = other.read(account, tx -> tx.mailbox("INBOX").orElseThrow().id());
            BlobId blob = blob(other);
            other.write(account, tx -> {
                for (int i = 0; i < 3; i++) tx.append(inbox, new NewMessage(blob, BODY.length, Flags.parse(List.of("$While")), Instant.now(), null));
                return null;
            });
            other.write(account, tx -> tx.storeFlags(inbox, new long[] {2, 40, 41}, FlagUpdate.Mode.REPLACE,
                    Flags.parse(List.of("\\Answered", "$Down")), OptionalLong.empty()));
            other.write(account, tx -> tx.expunge(inbox, new long[] {3, 50, 51, 52}));
        }

        server.start();
        try (LogCapture log = LogCapture.of("letterbox.store"); ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("e0 ENABLE CONDSTORE").ok();
            List<String> select = c.run("s2 SELECT INBOX").ok().untagged();
            TreeMap<Long, String> seen = new TreeMap<>();
            for (String line : c.run("f3 UID FETCH 1:* (FLAGS MODSEQ)").ok().untagged()) {
                Matcher m = FETCH.matcher(line);
                assertTrue(m.matches(), line);
                // \Recent is this session's (the new messages are), not stored
                seen.put(Long.parseLong(m.group(1)), sorted(m.group(2).replace("\\Recent", "")) + " " + m.group(3));
            }
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("index loaded from its snapshot")),
                    "the first SELECT read the snapshot: " + log.lines());

            MailStore store = server.server().store();
            long inbox = store.read(account, tx -> tx.mailbox("INBOX").orElseThrow().id());
            var mailbox = store.read(account, tx -> tx.mailbox(inbox).orElseThrow());
            TreeMap<Long, String> rows = new TreeMap<>();
            for (MessageMeta m : store.read(account, tx -> tx.messages(inbox, 1, Long.MAX_VALUE, 2 * MESSAGES))) {
                rows.put(m.uid(), sorted(String.join(" ", m.flags().names())) + " " + m.modSeq());
            }
            assertEquals(MESSAGES - 6 - 4 + 3, rows.size());
            List<String> differences = new ArrayList<>();
            for (long uid : new java.util.TreeSet<>(java.util.stream.Stream.concat(rows.keySet().stream(), seen.keySet().stream()).toList())) {
                if (!java.util.Objects.equals(rows.get(uid), seen.get(uid))) {
                    differences.add("UID " + uid + ": stored " + rows.get(uid) + ", shown " + seen.get(uid));
                }
            }
            assertEquals(List.of(), differences.subList(0, Math.min(10, differences.size())),
                    "every message's UID, flags and MODSEQ as the database has them");
            assertTrue(select.contains("* " + rows.size() + " EXISTS"), select.toString());
            assertTrue(select.contains("* OK [UIDNEXT " + mailbox.uidNext() + "] Predicted next UID"), select.toString());
            assertTrue(select.contains("* OK [HIGHESTMODSEQ " + mailbox.highestModSeq() + "] Highest"), select.toString());
            assertTrue(select.stream().anyMatch(l -> l.startsWith("* FLAGS (") && l.contains("$Down") && l.contains("$While")),
                    select.toString());
        }
    }

    /** {@link #MESSAGES} small messages through the store (far quicker than APPEND), every third \Seen. */
    private static void fill(MailStore store, long account) throws Exception {
        long inbox = store.read(account, tx -> tx.mailbox("INBOX").orElseThrow().id());
        BlobId blob = blob(store);
        for (int done = 0; done < MESSAGES; done += 1000) {
            int from = done, to = Math.min(MESSAGES, done + 1000);
            store.write(account, tx -> {
                for (int i = from; i < to; i++) {
                    tx.append(inbox, new NewMessage(blob, BODY.length, i % 3 == 0 ? Flags.ofSystem(Flags.SEEN) : Flags.NONE, Instant.now(), null));
                }
                return null;
            });
        }
    }

    private static BlobId blob(MailStore store) throws Exception {
        try (BlobStore.BlobWriter w = store.blobs().create()) {
            w.stream().write(BODY);
            return w.commit();
        }
    }

    private static String sorted(String flags) {
        List<String> names = new ArrayList<>(List.of(flags.trim().isEmpty() ? new String[0] : flags.trim().split(" ")));
        names.sort(String.CASE_INSENSITIVE_ORDER);
        return String.join(" ", names);
    }
}
