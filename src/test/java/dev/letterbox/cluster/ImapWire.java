package dev.letterbox.cluster;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bare IMAP client for load that must survive its server dying: every failure is an
 * {@link IOException} (the caller reconnects), never an assertion. Plain TCP on loopback, LOGIN
 * before STARTTLS (the nodes allow it from loopback), LITERAL+ for APPEND.
 */
final class ImapWire implements AutoCloseable {
    private static final Pattern EXISTS = Pattern.compile("\\* (\\d+) EXISTS");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private int tags;

    private ImapWire(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(15_000);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port}, sending {@code proxyHeader} first when not null, and reads the greeting. */
    static ImapWire connect(int port, byte[] proxyHeader) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            ImapWire imap = new ImapWire(s);
            if (proxyHeader != null) imap.out.write(proxyHeader);
            String greeting = imap.readLine();
            if (!greeting.startsWith("* OK")) throw new IOException("greeting: " + greeting);
            return imap;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** LOGIN, then SELECT INBOX; returns the number of messages SELECT announced. */
    int loginAndSelect(String user, String password) throws IOException {
        command("LOGIN \"" + user + "\" \"" + password + "\"");
        int exists = -1;
        for (String line : command("SELECT INBOX")) {
            Matcher m = EXISTS.matcher(line);
            if (m.matches()) exists = Integer.parseInt(m.group(1));
        }
        if (exists < 0) throw new IOException("SELECT announced no EXISTS");
        return exists;
    }

    /**
     * Sends one command and reads to its tagged answer; returns the untagged lines. Anything but a
     * tagged OK is an IOException naming the answer.
     */
    List<String> command(String command) throws IOException {
        String tag = "t" + (++tags);
        write(tag + " " + command + "\r\n");
        return untilTagged(tag);
    }

    /** APPENDs {@code message} to INBOX with a non-synchronizing literal; returns the tagged OK line. */
    String append(byte[] message) throws IOException {
        String tag = "t" + (++tags);
        ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        cmd.writeBytes((tag + " APPEND INBOX {" + message.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
        cmd.writeBytes(message);
        cmd.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(cmd.toByteArray());
        out.flush();
        untilTagged(tag);
        return tag;
    }

    /** Starts IDLE and waits for the continuation. */
    void idle() throws IOException {
        String tag = "t" + (++tags);
        write(tag + " IDLE\r\n");
        String line;
        do line = readLine(); while (!line.startsWith("+"));
    }

    /** The next line while idling (null when the read timed out). */
    String next(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            return readLine();
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(15_000);
        }
    }

    /** The message count of an untagged "* N EXISTS", or -1 for any other line. */
    static int exists(String line) {
        Matcher m = EXISTS.matcher(line);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    private List<String> untilTagged(String tag) throws IOException {
        List<String> untagged = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line.startsWith(tag + " ")) {
                if (!line.startsWith(tag + " OK")) throw new IOException("answer: " + line);
                return untagged;
            }
            untagged.add(line);
        }
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One line without its CRLF; end of stream is an IOException (the server went away). */
    private String readLine() throws IOException {
        ByteArrayOutputStream buf = partial; // what a timed-out read left, so no byte is lost
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                buf.reset();
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            if (buf.size() > 64 * 1024) throw new IOException("line too long");
            buf.write(b);
        }
        throw new IOException("connection closed");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a connection that may be dead already
        }
    }
}
