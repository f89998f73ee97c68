package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SEARCH FROM/SUBJECT/SENTON and SORT, once a message has been searched or sorted, are answered from
 * the keys this node keeps ({@link HeaderKeyCache}), not by reading the message again per command: with
 * the message's bytes removed underneath the server, they still find it. A server of its own: the
 * test deletes blob files.
 */
class ImapHeaderKeysTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void headerSearchAndSortDoNotReadTheMessageAgain() throws Exception {
        String user = server.newUser("keys");
        // over the inline limit (128 KiB): its bytes are a file of their own
        String body = ("A line of the quarterly report, long enough to make the message big.......\r\n").repeat(2500);
        server.deliver(user, "From: Dora Day <dora@example.org>\r\nTo: team@example.test\r\nSubject: Quarterly figures\r\n"
                + "Date: Tue, 8 Feb 1994 09:00:00 +0000\r\n\r\n" + body);
        server.deliver(user, "From: Eve <eve@example.org>\r\nTo: team@example.test\r\nSubject: lunch\r\n"
                + "Date: Wed, 9 Feb 1994 09:00:00 +0000\r\n\r\nshort\r\n");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            c.run("k1 SELECT INBOX").ok();
            c.run("k2 SEARCH FROM dora").ok().has("* SEARCH 1");
            c.run("k3 SORT (REVERSE DATE) UTF-8 ALL").ok().has("* SORT 2 1");
            assumeTrue(deleteBigBlobFiles(server.dataDir()) > 0, "big blobs are kept in the database here");
            c.run("k4 SEARCH FROM dora@example.org").ok().has("* SEARCH 1");
            c.run("k5 SEARCH SUBJECT quarterly SENTON 8-Feb-1994 TO team").ok().has("* SEARCH 1");
            c.run("k6 SORT (FROM) UTF-8 NOT FROM eve").ok().has("* SORT 1");
        }
    }

    /** Deletes the blob files (in two-hex-digit directories) over 100 KB; how many. */
    private static int deleteBigBlobFiles(Path dataDir) throws IOException {
        List<Path> big;
        try (Stream<Path> files = Files.walk(dataDir)) {
            big = files.filter(Files::isRegularFile)
                    .filter(p -> p.getParent().getFileName().toString().matches("[0-9a-f]{2}"))
                    .filter(p -> p.toFile().length() > 100_000)
                    .toList();
        }
        for (Path p : big) Files.delete(p);
        return big.size();
    }
}
