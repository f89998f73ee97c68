package dev.letterbox.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.PostgresServer;
import dev.letterbox.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server with {@code [store] blobs = "database"}: a message of 1.5 MB taken by IMAP APPEND lands
 * in the database in chunks (no blob file), and comes back whole and in part over IMAP (RFC 3501
 * §6.4.5 BODY[]&lt;partial&gt;) and POP3 (RFC 1939 RETR, TOP).
 */
class DatabaseBlobsServerTest {
    private static TestServer server;
    private static String databaseUrl;

    @BeforeAll
    static void start() throws IOException {
        databaseUrl = PostgresServer.shared().newDatabase();
        server = new TestServer("[store]\nbackend = \"postgresql\"\nurl = \"" + databaseUrl + "\"\npool_size = 4\nblobs = \"database\"\n");
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop();
    }

    /** About 1.5 MB of numbered lines: any chunk out of place would show. */
    private static byte[] bigMessage() {
        StringBuilder sb = new StringBuilder("From: sender@example.org\r\nSubject: big one\r\n\r\n");
        for (int i = 0; i < 20_000; i++) sb.append(String.format("%06d ", i)).append("y".repeat(69)).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}$");

    /** Reads up to the line that opens a literal, then the literal's bytes. */
    private static byte[] literalAfter(LineClient c, String prefix) throws IOException {
        String line = c.expectPrefix(prefix);
        Matcher m = LITERAL.matcher(line);
        assertTrue(m.find(), line);
        byte[] data = c.readBytes(Integer.parseInt(m.group(1)));
        assertEquals(")", c.readLine());
        return data;
    }

    /** Reads up to the tagged response of {@code tag} and returns it. */
    private static String tagged(LineClient c, String tag) throws IOException {
        for (String line; (line = c.readLine()) != null; ) {
            if (line.startsWith(tag + " ")) return line;
        }
        throw new IOException("connection closed before " + tag + " was answered");
    }

    private long chunkRows() throws Exception {
        String database = URI.create(databaseUrl).getPath().substring(1);
        try (Connection c = DriverManager.getConnection(PostgresServer.shared().jdbcUrl(database));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM blob_chunk")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aBigAppendIsStoredInChunksAndReadBackByImapAndPop3() throws Exception {
        String user = server.newUser("dbblob");
        byte[] message = bigMessage();
        try (LineClient imap = server.connectTls("imaps")) {
            imap.expectPrefix("* OK");
            imap.send("a1 LOGIN \"" + user + "\" \"" + TestServer.PASSWORD + "\"");
            assertTrue(tagged(imap, "a1").startsWith("a1 OK"));
            imap.send("a2 APPEND INBOX {" + message.length + "}").expectPrefix("+ ");
            imap.sendRaw(message).sendRaw("\r\n");
            String appended = tagged(imap, "a2");
            assertTrue(appended.startsWith("a2 OK"), appended);
            imap.send("a3 SELECT INBOX");
            assertTrue(tagged(imap, "a3").startsWith("a3 OK"));

            int start = message.length - 100;
            imap.send("a4 FETCH 1 (BODY.PEEK[]<" + start + ".100>)");
            byte[] tail = literalAfter(imap, "* 1 FETCH (BODY[]<" + start + "> {100}");
            assertArrayEquals(Arrays.copyOfRange(message, start, message.length), tail);
            assertTrue(tagged(imap, "a4").startsWith("a4 OK"));

            imap.send("a5 FETCH 1 (BODY.PEEK[])");
            assertArrayEquals(message, literalAfter(imap, "* 1 FETCH (BODY[] {" + message.length + "}"));
            assertTrue(tagged(imap, "a5").startsWith("a5 OK"));
        }
        assertTrue(chunkRows() >= message.length / (256 * 1024), "the body is in the database");
        Path blobDir = server.dataDir().resolve("blobs");
        try (Stream<Path> entries = Files.list(blobDir)) {
            assertEquals(List.of(blobDir.resolve("tmp")), entries.toList(), "no blob files, only the local scratch space");
        }

        try (LineClient pop = server.connectTls("pop3s")) {
            pop.expectPrefix("+OK");
            pop.send("USER " + user).expectPrefix("+OK");
            pop.send("PASS " + TestServer.PASSWORD).expectPrefix("+OK");
            pop.send("RETR 1").expectPrefix("+OK");
            ByteArrayOutputStream retrieved = new ByteArrayOutputStream();
            for (String line; !(line = pop.readLine()).equals("."); ) {
                retrieved.write((line.startsWith("..") ? line.substring(1) : line).getBytes(StandardCharsets.US_ASCII));
                retrieved.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertArrayEquals(message, retrieved.toByteArray());
            pop.send("TOP 1 1").expectPrefix("+OK");
            assertEquals(List.of("From: sender@example.org", "Subject: big one", "", "000000 " + "y".repeat(69)),
                    pop.readUntil("."));
            pop.send("QUIT").expectPrefix("+OK");
        }
    }
}
