package dev.letterbox.cli;

import static dev.letterbox.cli.Cli.run;
import static dev.letterbox.cli.ImapLines.untilTagged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code letterbox import} and {@code export} on the data dir of a running server, checked by what an
 * IMAP client then sees and by the bytes of the files written: mbox → account → Maildir → account
 * round trips keep every byte, flag, keyword, folder and date; broken archives are named; an import
 * killed midway goes on without storing anything twice.
 */
class ImportExportCommandTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @TempDir
    Path temp;

    private static String data() {
        return server.dataDir().toString();
    }

    /** Message {@code i} as a mail program saves it: LF line ends, body lines that look like From_ lines. */
    private static String message(int i) {
        return "From: sender@example.org\nTo: someone@example.test\nSubject: message " + i
                + "\nDate: Tue, 02 Jan 2024 10:00:00 +0000\n\nline one of " + i + "\nFrom the start of a line\n>From quoted\n"
                + ">>From deeper\n\nend\n";
    }

    /** {@code message} as mboxrd writes it. */
    private static String mboxrd(String message) {
        StringBuilder out = new StringBuilder();
        for (String line : message.split("\n", -1)) {
            if (line.replaceFirst("^>*", "").startsWith("From ")) out.append('>');
            out.append(line).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    @Test
    void anMboxGoesInWithItsFlagsAndDatesAndComesOutAsAMaildirByteForByte() throws Exception {
        String user = server.newUser("mbox");
        String withState = message(2).replaceFirst("\n\n",
                Matcher.quoteReplacement("\nStatus: RO\nX-Status: AF\nX-Keywords: $Label1 Project\n\n"));
        String mbox = "From alice@example.org Mon Jan  1 09:30:00 2024\n" + mboxrd(message(1)) + "\n"
                + "From bob@example.org Sat Mar  2 17:05:09 2024\n" + mboxrd(withState) + "\n";
        Path file = temp.resolve("old.mbox");
        Files.writeString(file, mbox);
        Cli.Result imported = run("import", user, file.toString(), "--data", data());
        assertEquals(0, imported.exit(), imported.err());
        assertTrue(imported.out().startsWith("imported 2 messages into " + user), imported.out());

        List<String> seen = fetch(user, "INBOX", "UID FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE)");
        assertEquals(List.of(
                "* 1 FETCH (UID 1 FLAGS () INTERNALDATE \"01-Jan-2024 09:30:00 +0000\" RFC822.SIZE " + crlf(message(1)).length() + ")",
                "* 2 FETCH (UID 2 FLAGS (\\Seen \\Answered \\Flagged $Label1 Project) INTERNALDATE \"02-Mar-2024 17:05:09 +0000\" "
                        + "RFC822.SIZE " + crlf(message(2)).length() + ")"),
                seen.stream().map(l -> l.replace("\\Recent", "").replace(" )", ")").replace("( ", "(")).toList());

        Path maildir = temp.resolve("maildir");
        Cli.Result exported = run("export", user, maildir.toString(), "--data", data());
        assertEquals(0, exported.exit(), exported.err());
        List<Path> files = files(maildir.resolve("cur"));
        assertEquals(2, files.size(), files.toString());
        assertEquals(message(1), Files.readString(files.get(0)), "the message as it was, state headers and mbox escapes gone");
        assertEquals(message(2), Files.readString(files.get(1)));
        assertTrue(files.get(1).getFileName().toString().endsWith(":2,FRSab"), files.get(1).toString());
        assertEquals(List.of("0 $Label1", "1 Project"), Files.readAllLines(maildir.resolve("dovecot-keywords")));
        assertEquals(Instant.parse("2024-03-02T17:05:09Z"), Files.getLastModifiedTime(files.get(1)).toInstant());

        String again = server.newUser("maildir");
        Cli.Result back = run("import", again, maildir.toString(), "--data", data());
        assertEquals(0, back.exit(), back.err());
        assertEquals(fetch(user, "INBOX", "UID FETCH 1:* (FLAGS INTERNALDATE BODY.PEEK[])"),
                fetch(again, "INBOX", "UID FETCH 1:* (FLAGS INTERNALDATE BODY.PEEK[])"), "Maildir → account changes nothing");
    }

    @Test
    void aMaildirKeepsItsFoldersAndComesOutAsMboxAndGoesBackInUnchanged() throws Exception {
        Path maildir = temp.resolve("Maildir");
        writeMaildirMessage(maildir, "new", "1700000000.M1P1.host", message(1), "2023-11-14T22:13:20Z");
        writeMaildirMessage(maildir, "cur", "1700000001.M2P1.host:2,RSa", message(2), "2023-11-14T22:13:21Z");
        Files.writeString(maildir.resolve("dovecot-keywords"), "0 $Work\n");
        writeMaildirMessage(maildir.resolve(".Archive.2023"), "cur", "1700000002.M3P1.host:2,T", message(3), "2023-11-14T22:13:22Z");
        writeMaildirMessage(maildir.resolve(".Caf&AOk-"), "cur", "1700000003.M4P1.host:2,P", message(4), "2023-11-14T22:13:23Z");
        String user = server.newUser("tree");
        Cli.Result imported = run("import", user, maildir.toString(), "--data", data());
        assertEquals(0, imported.exit(), imported.err());
        assertTrue(imported.out().startsWith("imported 4 messages"), imported.out());
        assertEquals(List.of("* 1 FETCH (UID 1 FLAGS (\\Recent))",
                        "* 2 FETCH (UID 2 FLAGS (\\Seen \\Answered $Work \\Recent))"),
                fetch(user, "INBOX", "UID FETCH 1:* (FLAGS)"));
        assertEquals(List.of("* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent) INTERNALDATE \"14-Nov-2023 22:13:22 +0000\")"),
                fetch(user, "Archive/2023", "UID FETCH 1:* (FLAGS INTERNALDATE)"));
        assertEquals(List.of("* 1 FETCH (UID 1 FLAGS ($Forwarded \\Recent))"), fetch(user, "Caf&AOk-", "UID FETCH 1:* (FLAGS)"));

        Path mboxes = temp.resolve("mboxes");
        assertEquals(0, run("export", user, mboxes.toString(), "--format", "mbox", "--data", data()).exit());
        assertTrue(Files.isRegularFile(mboxes.resolve("Archive").resolve("2023.mbox")));
        String other = server.newUser("frommbox");
        for (String[] folder : List.of(new String[] {"INBOX.mbox", "INBOX"}, new String[] {"Archive/2023.mbox", "Archive/2023"},
                new String[] {"Café.mbox", "Café"})) {
            Cli.Result r = run("import", other, mboxes.resolve(folder[0]).toString(), "--mailbox", folder[1], "--data", data());
            assertEquals(0, r.exit(), r.err());
        }
        for (String mailbox : List.of("INBOX", "Archive/2023", "Caf&AOk-")) {
            String command = "UID FETCH 1:* (FLAGS INTERNALDATE BODY.PEEK[])";
            assertEquals(fetch(user, mailbox, command), fetch(other, mailbox, command), mailbox);
        }
    }

    @Test
    void brokenArchivesAreNamedAndWhatIsWholeIsStored() throws Exception {
        String user = server.newUser("broken");
        Path notMbox = temp.resolve("notes.txt");
        Files.writeString(notMbox, "Subject: hello\n\nnot an mbox\n");
        Cli.Result r = run("import", user, notMbox.toString(), "--data", data());
        assertEquals(65, r.exit());
        assertTrue(r.err().contains(notMbox + ": not an mbox file"), r.err());

        Path cut = temp.resolve("cut.mbox");
        Files.writeString(cut, "From a@b Mon Jan  1 09:30:00 2024\n" + message(1) + "\nFrom a@b Mon Jan  1 09:31:00 2024\n"
                + message(2).substring(0, 40));
        r = run("import", user, cut.toString(), "--data", data());
        assertEquals(65, r.exit(), r.err());
        assertTrue(r.err().contains(cut + ": message 2 (at byte "), r.err());
        assertTrue(r.err().contains("cut off"), r.err());
        assertEquals(1, server.inbox(user).size(), "the whole message is stored, the cut one is not");

        r = run("import", user, temp.resolve("missing").toString(), "--data", data());
        assertEquals(65, r.exit());
        assertTrue(r.err().contains("no such file or directory"), r.err());
    }

    @Test
    void anImportKilledMidwayGoesOnWithoutStoringAnythingTwice() throws Exception {
        int total = 3000;
        Path file = temp.resolve("big.mbox");
        StringBuilder mbox = new StringBuilder();
        for (int i = 0; i < total; i++) mbox.append("From x@y Mon Jan  1 09:30:00 2024\n").append(mboxrd(message(i))).append("\n");
        Files.writeString(file, mbox);
        String user = server.newUser("killed");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "import", user, file.toString(), "--data", data())
                .redirectErrorStream(true).redirectOutput(temp.resolve("import.log").toFile()).start();
        Path journals = server.dataDir().resolve("imports");
        List<Path> earlier = journals(journals);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (doneLines(journals, earlier) < 3 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(p.isAlive(), "the import was still running when killed: " + Files.readString(temp.resolve("import.log")));
        p.destroyForcibly().waitFor();
        int before = server.inbox(user).size();
        assertTrue(before > 0 && before < total, before + " stored before the kill");

        Cli.Result again = run("import", user, file.toString(), "--data", data());
        assertEquals(0, again.exit(), again.err());
        assertSubjectsOnce(user, total);

        // the journal says a batch went in but not that it was done (a crash between the two): not stored again
        List<Path> mine = new ArrayList<>(journals(journals));
        mine.removeAll(earlier);
        assertEquals(1, mine.size(), mine.toString());
        Path journal = mine.getFirst();
        List<String> lines = new ArrayList<>(Files.readAllLines(journal));
        assertEquals("complete", lines.removeLast());
        assertTrue(lines.removeLast().startsWith("done "));
        Files.write(journal, lines);
        again = run("import", user, file.toString(), "--data", data());
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().startsWith("imported 0 messages"), again.out());
        assertSubjectsOnce(user, total);

        Cli.Result twice = run("import", user, file.toString(), "--data", data());
        assertEquals(65, twice.exit());
        assertTrue(twice.err().contains("imported into this account before"), twice.err());
    }

    private static void assertSubjectsOnce(String user, int total) throws IOException {
        List<String> inbox = server.inbox(user);
        assertEquals(total, inbox.size());
        HashSet<String> subjects = new HashSet<>();
        for (String m : inbox) subjects.add(m.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElseThrow());
        assertEquals(total, subjects.size(), "no message stored twice");
    }

    private static List<Path> journals(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    /** "done" lines in the journals other than {@code earlier} (those of the other tests). */
    private static long doneLines(Path journals, List<Path> earlier) throws IOException {
        long n = 0;
        for (Path f : journals(journals)) {
            if (earlier.contains(f)) continue;
            try {
                n += Files.readAllLines(f).stream().filter(l -> l.startsWith("done ")).count();
            } catch (IOException | java.io.UncheckedIOException e) {
                // being written
            }
        }
        return n;
    }

    private static void writeMaildirMessage(Path folder, String sub, String name, String text, String mtime) throws IOException {
        for (String d : List.of("cur", "new", "tmp")) Files.createDirectories(folder.resolve(d));
        Path f = folder.resolve(sub).resolve(name);
        Files.writeString(f, text);
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse(mtime)));
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted((a, b) -> Long.compare(uidOf(a), uidOf(b))).toList();
        }
    }

    private static long uidOf(Path maildirFile) {
        String name = maildirFile.getFileName().toString();
        return Long.parseLong(name.substring(name.indexOf(".L") + 2, name.indexOf(".letterbox")));
    }

    private static String crlf(String s) {
        return s.replace("\n", "\r\n");
    }

    /** The untagged responses to {@code command} in {@code mailbox}, EXAMINEd (nothing changes by looking). */
    private static List<String> fetch(String user, String mailbox, String command) throws IOException {
        try (LineClient c = server.connectTls("imaps")) {
            c.expectPrefix("* OK");
            c.send("a LOGIN \"" + user + "\" \"" + TestServer.PASSWORD + "\"");
            untilTagged(c, "a");
            c.send("b EXAMINE \"" + mailbox + "\"");
            List<String> examine = untilTagged(c, "b");
            assertTrue(examine.getLast().startsWith("b OK"), examine.toString());
            c.send("c " + command);
            List<String> out = untilTagged(c, "c");
            assertTrue(out.getLast().startsWith("c OK"), out.toString());
            return out.subList(0, out.size() - 1);
        }
    }
}
