package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions of one mailbox share its index on the server: what each of them is told must still add up
 * to the mailbox as it is, whatever the others do at the same time.
 */
class ImapSharedIndexTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static final String MSG = ImapMessageTest.MSG;
    private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");

    /** A session with its model of the view, filled by SELECT and a first FETCH. */
    private static ImapViewModel open(ImapTestClient c, String who) throws Exception {
        ImapViewModel model = new ImapViewModel(who);
        c.run("e1 ENABLE CONDSTORE").ok();
        model.apply(c.run("s1 SELECT INBOX").ok().untagged());
        model.apply(c.run("f1 FETCH 1:* (UID FLAGS MODSEQ)").ok().untagged());
        return model;
    }

    private static ImapViewModel fresh(String user) throws Exception {
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            return open(c, "fresh");
        }
    }

    @Test
    void twoSessionsChangeAndExpungeWhileAThirdFetchesAndIdlesAndEveryViewStaysExact() throws Exception {
        String user = server.newUser("shared");
        for (int i = 0; i < 40; i++) server.deliver(user, MSG);
        try (ImapTestClient w1 = ImapTestClient.login(server, user); ImapTestClient w2 = ImapTestClient.login(server, user);
             ImapTestClient r = ImapTestClient.login(server, user)) {
            ImapViewModel m1 = open(w1, "writer 1"), m2 = open(w2, "writer 2"), mr = open(r, "reader");
            ExecutorService threads = Executors.newFixedThreadPool(3);
            try {
                Future<List<Long>> f1 = threads.submit(() -> write(w1, m1, 1));
                Future<List<Long>> f2 = threads.submit(() -> write(w2, m2, 2));
                Future<?> fr = threads.submit(() -> {
                    read(r, mr, f1, f2);
                    return null;
                });
                List<Long> mods1 = f1.get(120, TimeUnit.SECONDS), mods2 = f2.get(120, TimeUnit.SECONDS);
                fr.get(120, TimeUnit.SECONDS);
                assertTrue(mods1.size() >= 20 && mods2.size() >= 20, "most writes changed something: " + mods1 + " " + mods2);
            } finally {
                threads.shutdownNow();
            }
            for (var pair : List.of(List.of(w1, m1), List.of(w2, m2), List.of(r, mr))) {
                ImapTestClient c = (ImapTestClient) pair.get(0);
                ImapViewModel m = (ImapViewModel) pair.get(1);
                m.apply(c.run("n9 NOOP").ok().untagged());
                ImapViewModel now = fresh(user);
                m.assertSameAs(now);
                m.apply(c.run("f9 FETCH 1:* (UID FLAGS MODSEQ)").ok().untagged()); // the numbers agree too
                m.assertSameAs(now);
            }
        }
    }

    /**
     * Flags with a keyword of its own for each write (so each one changes something), every fifth one
     * \Deleted and EXPUNGE; returns the MODSEQs its keyword STOREs answered with, which must strictly
     * increase.
     */
    private static List<Long> write(ImapTestClient c, ImapViewModel model, int writer) throws Exception {
        Random random = new Random(writer);
        List<Long> taken = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int size = model.uids.size();
            if (size == 0) break;
            int msn = 1 + random.nextInt(size);
            long uid = model.uids.get(msn - 1);
            String tag = "w" + writer + "x" + i;
            if (i % 5 == 4) {
                // the other writer may have set \Deleted already: then nothing changes, no MODSEQ is taken
                model.apply(c.run(tag + " STORE " + msn + " +FLAGS (\\Deleted)").ok().untagged());
                model.apply(c.run(tag + "e EXPUNGE").ok().untagged());
                continue;
            }
            String keyword = "$W" + writer + "n" + i;
            ImapTestClient.Response store = c.run(tag + " STORE " + msn + " +FLAGS (" + keyword + ")").ok();
            model.apply(store.untagged());
            for (String u : store.untagged()) {
                Matcher m = MODSEQ.matcher(u);
                // only a FETCH with this STORE's keyword is its own answer: one for a message the other
                // writer expunged meanwhile reports an earlier change (and this STORE changed nothing)
                if (u.startsWith("* " + msn + " FETCH (UID " + uid + " ") && u.contains(keyword) && m.find()) {
                    long modSeq = Long.parseLong(m.group(1));
                    assertTrue(taken.isEmpty() || modSeq > taken.getLast(), "MODSEQ " + modSeq + " after " + taken);
                    taken.add(modSeq);
                    break; // a later one for the message is another session's change
                }
            }
        }
        return taken;
    }

    /** FETCHes by number and by UID, and IDLEs, until both writers are done. */
    private static void read(ImapTestClient c, ImapViewModel model, Future<?> w1, Future<?> w2) throws Exception {
        for (int i = 0; !(w1.isDone() && w2.isDone()); i++) {
            switch (i % 3) {
                case 0 -> model.apply(c.run("r" + i + " FETCH 1:* (UID FLAGS MODSEQ)").untagged()); // NO if a ghost is named
                case 1 -> model.apply(c.run("r" + i + " UID FETCH 1:* (FLAGS)").ok().untagged());
                default -> {
                    c.send("r" + i + " IDLE");
                    while (true) {
                        String line = c.readResponse();
                        if (line.startsWith("+ ")) break;
                        model.apply(line);
                    }
                    Thread.sleep(20);
                    c.send("DONE");
                    model.apply(c.collect("r" + i).ok().untagged());
                }
            }
        }
    }

    @Test
    void aKeywordAnotherSessionSetIsAnnouncedByFlagsBeforeAFetchCarriesIt() throws Exception {
        String user = server.newUser("keyword");
        server.deliver(user, MSG);
        server.deliver(user, MSG);
        try (ImapTestClient a = ImapTestClient.login(server, user); ImapTestClient b = ImapTestClient.login(server, user)) {
            a.run("a1 SELECT INBOX").ok();
            b.run("b1 SELECT INBOX").ok();
            b.run("b2 STORE 1 +FLAGS.SILENT ($Label2)").ok();
            List<String> fetch = a.run("a2 FETCH 1 (FLAGS)").ok().untagged();
            assertBefore(fetch, "* FLAGS (", "* 1 FETCH (FLAGS (");
            assertTrue(fetch.get(0).contains("$Label2"), fetch.toString());

            b.run("b3 STORE 2 +FLAGS.SILENT ($Label3)").ok();
            List<String> store = a.run("a3 STORE 2 +FLAGS (\\Seen)").ok().untagged();
            assertBefore(store, "* FLAGS (", "* 2 FETCH (");
            assertTrue(store.get(0).contains("$Label3"), store.toString());

            b.run("b4 STORE 1 +FLAGS.SILENT ($Label4)").ok();
            List<String> body = a.run("a4 FETCH 1 (BODY[HEADER.FIELDS (Subject)])").ok().untagged(); // sets \Seen
            assertBefore(body, "* FLAGS (", "* 1 FETCH (");
            assertTrue(body.get(0).contains("$Label4"), body.toString());
        }
    }

    private static void assertBefore(List<String> responses, String first, String then) {
        int a = -1, b = -1;
        for (int i = 0; i < responses.size(); i++) {
            if (a < 0 && responses.get(i).startsWith(first)) a = i;
            if (b < 0 && responses.get(i).startsWith(then)) b = i;
        }
        assertTrue(a >= 0 && b >= 0 && a < b, "expected '" + first + "' before '" + then + "' in " + responses);
    }
}
