package dev.letterbox.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.zip.CRC32;

/**
 * A tiny line protocol for driving connections from tests. Every line it reads is recorded in
 * {@link #seen}; every session's connection is offered to {@link #sessions} so a test can write to
 * it from another thread.
 *
 * <pre>
 * READY                      greeting
 * STARTTLS / COMPRESS        "GO", then the upgrade
 * TLS                        "TLS &lt;protocol&gt; &lt;cipher&gt;" or "TLS none"
 * SEND n                     n pattern bytes
 * RECV n                     reads n raw bytes, answers "CRC &lt;crc32&gt;"
 * BUFFERED                   "yes" or "no": hasBufferedInput() right after reading this line
 * TIMEOUT ms                 sets the idle timeout, "OK"
 * LOGIN                      "OK": the connection counts as logged in (lifts the login timeout)
 * PEER                       "PEER &lt;remote&gt; &lt;local&gt;": the addresses the session sees
 * THROW                      the handler throws
 * QUIT                       "BYE" without flushing (the server must flush it)
 * anything else              "ECHO &lt;line&gt;&lt;CRLF|LF|EOF&gt;" naming the terminator seen
 * </pre>
 */
final class EchoHandler implements ConnectionHandler {
    static final int MAX_LINE = 1000;

    final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    final BlockingQueue<Connection> sessions = new LinkedBlockingQueue<>();

    @Override
    public void handle(Connection c) throws Exception {
        sessions.add(c);
        reply(c, "READY");
        while (true) {
            byte[] line;
            try {
                line = c.readLine(MAX_LINE);
            } catch (LineTooLongException e) {
                seen.add("<too long>");
                reply(c, "TOO LONG");
                continue;
            }
            if (line == null) {
                reply(c, "EOF");
                return;
            }
            String text = withoutTerminator(line);
            seen.add(text);
            String[] words = text.split(" ");
            switch (words[0]) {
                case "STARTTLS" -> {
                    reply(c, "GO");
                    c.startTls();
                }
                case "COMPRESS" -> {
                    reply(c, "GO");
                    c.startCompression();
                }
                case "TLS" -> reply(c, "TLS " + c.tls().map(Connection.TlsInfo::toString).orElse("none"));
                case "SEND" -> {
                    TestData.writePattern(c.output(), Long.parseLong(words[1]));
                    c.flush();
                }
                case "RECV" -> reply(c, "CRC " + crcOf(c.input(), Long.parseLong(words[1])));
                case "BUFFERED" -> reply(c, c.hasBufferedInput() ? "yes" : "no");
                case "TIMEOUT" -> {
                    c.setIdleTimeout(Duration.ofMillis(Long.parseLong(words[1])));
                    reply(c, "OK");
                }
                case "LOGIN" -> {
                    c.loggedIn();
                    reply(c, "OK");
                }
                case "PEER" -> reply(c, "PEER " + SocketConnection.format(c.remoteAddress()) + " "
                        + SocketConnection.format(c.localAddress()));
                case "THROW" -> throw new IllegalStateException("failure requested by the test");
                case "QUIT" -> {
                    c.output().write("BYE\r\n".getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                default -> reply(c, "ECHO " + text + terminatorName(line));
            }
        }
    }

    static void reply(Connection c, String text) throws IOException {
        OutputStream out = c.output();
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        c.flush();
    }

    private static long crcOf(InputStream in, long length) throws IOException {
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[8192];
        long left = length;
        while (left > 0) {
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
            if (n < 0) {
                throw new IOException("client closed after " + (length - left) + " of " + length + " bytes");
            }
            crc.update(chunk, 0, n);
            left -= n;
        }
        return crc.getValue();
    }

    private static String withoutTerminator(byte[] line) {
        int end = line.length;
        if (end > 0 && line[end - 1] == '\n') {
            end--;
            if (end > 0 && line[end - 1] == '\r') {
                end--;
            }
        }
        return new String(line, 0, end, StandardCharsets.ISO_8859_1);
    }

    private static String terminatorName(byte[] line) {
        int n = line.length;
        if (n >= 2 && line[n - 2] == '\r' && line[n - 1] == '\n') {
            return "<CRLF>";
        }
        return n >= 1 && line[n - 1] == '\n' ? "<LF>" : "<EOF>";
    }
}
