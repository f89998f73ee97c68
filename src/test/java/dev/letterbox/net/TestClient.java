package dev.letterbox.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A plain java.net client speaking {@link EchoHandler}'s protocol, with STARTTLS and DEFLATE. */
final class TestClient implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private TestClient(Socket socket) throws IOException {
        use(socket);
    }

    static TestClient connect(int port) throws IOException {
        return connect(port, null);
    }

    /** Connects from {@code localAddress} (any 127.x.y.z works on Linux), or the default when null. */
    static TestClient connect(int port, String localAddress) throws IOException {
        Socket socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return new TestClient(socket);
    }

    static TestClient connectTls(int port, SSLContext context, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        if (protocols.length > 0) {
            socket.setEnabledProtocols(protocols);
        }
        socket.startHandshake();
        return new TestClient(socket);
    }

    private void use(Socket next) throws IOException {
        socket = next;
        in = next.getInputStream();
        out = next.getOutputStream();
    }

    void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** The next line without its terminator; null at end of stream. */
    String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends the text plus CRLF. */
    void send(String text) throws IOException {
        sendRaw((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends the bytes in one write. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    Socket socket() {
        return socket;
    }

    OutputStream out() {
        return out;
    }

    byte[] readExactly(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new IOException("stream ended after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    /**
     * True when the server closes the connection within the read timeout (whatever it sends first,
     * such as a TLS alert); false when it stays open and silent.
     */
    boolean closedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // skip a farewell
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true; // a reset is a close too
        }
    }

    /** Sends STARTTLS, expects GO, and runs the client side of the handshake over the same socket. */
    void startTls(SSLContext context) throws IOException {
        send("STARTTLS");
        expect("GO");
        upgradeToTls(context);
    }

    void upgradeToTls(SSLContext context) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory()
                .createSocket(socket, "127.0.0.1", socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        use(tls);
    }

    /** Sends COMPRESS, expects GO (uncompressed), then compresses both ways with raw DEFLATE. */
    void startCompression() throws IOException {
        send("COMPRESS");
        expect("GO");
        compress();
    }

    void compress() {
        out = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, true), 4096, true);
        in = new InflaterInputStream(in, new Inflater(true), 4096);
    }

    String tlsProtocol() {
        return ((SSLSocket) socket).getSession().getProtocol();
    }

    void expect(String expected) throws IOException {
        String line = line();
        if (!expected.equals(line)) {
            throw new AssertionError("expected <" + expected + "> but the server said <" + line + ">");
        }
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
