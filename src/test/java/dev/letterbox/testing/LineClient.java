package dev.letterbox.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A raw line-oriented test client over a real socket: send exact bytes, read exact lines back.
 * Lines are returned without their CRLF; {@link #readLine()} fails the test on a bare LF so
 * servers are held to CRLF. Reads time out after 10 s so a hung server fails the test.
 */
public final class LineClient implements AutoCloseable {
    private final SSLContext tlsContext;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private LineClient(Socket socket, SSLContext tlsContext) throws IOException {
        this.tlsContext = tlsContext;
        use(socket);
    }

    public static LineClient plain(String host, int port, SSLContext tls) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), 5000);
        return new LineClient(s, tls);
    }

    /**
     * Like {@link #plain}, from the local address {@code from}: every 127.x.y.z is this machine
     * (Linux routes all of 127/8 to loopback), so one test can be many clients.
     */
    public static LineClient plainFrom(String from, String host, int port, SSLContext tls) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(host, port), 5000);
        return new LineClient(s, tls);
    }

    public static LineClient tls(String host, int port, SSLContext tls) throws IOException {
        LineClient c = plain(host, port, tls);
        c.startTls();
        return c;
    }

    private void use(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        this.socket = s;
        this.in = new java.io.BufferedInputStream(s.getInputStream());
        this.out = s.getOutputStream();
    }

    /** Wraps the connection in TLS (after the server said go ahead, or at once for implicit TLS). */
    public void startTls() throws IOException {
        SSLSocket ssl = (SSLSocket) tlsContext.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        use(ssl);
    }

    public boolean isTls() {
        return socket instanceof SSLSocket;
    }

    public Socket socket() {
        return socket;
    }

    public LineClient send(String line) throws IOException {
        return sendRaw(line + "\r\n");
    }

    public LineClient sendRaw(String data) throws IOException {
        return sendRaw(data.getBytes(StandardCharsets.UTF_8));
    }

    public LineClient sendRaw(byte[] data) throws IOException {
        out.write(data);
        out.flush();
        return this;
    }

    /** Reads one CRLF-terminated line; null at end of stream. */
    public String readLine() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                assertTrue(bytes.length > 0 && bytes[bytes.length - 1] == '\r', "line not terminated by CRLF: " + buf);
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            buf.write(b);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
    }

    public String expect(String exact) throws IOException {
        String line = readLine();
        assertEquals(exact, line);
        return line;
    }

    public String expectPrefix(String prefix) throws IOException {
        String line = readLine();
        assertTrue(line != null && line.startsWith(prefix), "expected a line starting with '" + prefix + "' but got: " + line);
        return line;
    }

    /** Reads lines up to and including a line equal to {@code last}; returns them without it. */
    public List<String> readUntil(String last) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = readLine()) != null && !line.equals(last)) lines.add(line);
        assertEquals(last, line, "stream ended before '" + last + "'");
        return lines;
    }

    /** Reads exactly n bytes. */
    public byte[] readBytes(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** True when the server has closed the connection (reads EOF within the timeout). */
    public boolean isClosedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
