package dev.letterbox.store.sql;

import javax.net.SocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Connects the PostgreSQL driver to a server on this machine through its Unix-domain socket
 * ({@code [store] url} with a {@code host} that is a directory), with the JDK's own support for them.
 *
 * <p>Why: it is how a database on the same machine is most often reached (Debian's PostgreSQL
 * listens on {@code /var/run/postgresql}), and the driver has no support of its own. A round trip
 * costs less than through loopback TCP ({@code pgbench}'s one-row reads ran 1.24 times as fast),
 * though under imaptest's load Letterbox ran no faster for it ({@code bench/RESULTS.md}).
 *
 * <p>The driver names the class in its {@code socketFactory} property and gives the socket file as
 * the constructor's argument ({@code socketFactoryArg}); the address it connects to is ignored.
 */
public final class UnixSocketFactory extends SocketFactory {
    private final Path socketFile;

    /** {@code socketFile}: the server's socket, {@code <directory>/.s.PGSQL.<port>}. */
    public UnixSocketFactory(String socketFile) {
        this.socketFile = Path.of(socketFile);
    }

    @Override
    public Socket createSocket() {
        return new UnixSocket(socketFile);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected();
    }

    private Socket connected() throws IOException {
        Socket socket = createSocket();
        socket.connect(null);
        return socket;
    }

    /**
     * The few parts of {@link Socket} the driver uses, over a {@link SocketChannel} in blocking mode
     * (which parks a virtual thread instead of holding its carrier).
     *
     * <p>A read timeout ({@link #setSoTimeout}), which the driver sets while it waits for
     * notifications or checks a connection, waits on a selector first: a channel in blocking mode
     * cannot time out. It is the rare path; reads without one go straight to the channel.
     */
    private static final class UnixSocket extends Socket {
        private final Path socketFile;
        private SocketChannel channel;
        private volatile int timeoutMillis;
        private volatile boolean closed;

        UnixSocket(Path socketFile) {
            this.socketFile = socketFile;
        }

        @Override
        public void connect(SocketAddress ignored) throws IOException {
            connect(ignored, 0);
        }

        @Override
        public synchronized void connect(SocketAddress ignored, int timeout) throws IOException {
            if (channel != null) throw new SocketException("already connected");
            SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                c.connect(UnixDomainSocketAddress.of(socketFile)); // local: succeeds or fails at once
            } catch (IOException e) {
                c.close();
                throw new SocketException("cannot connect to " + socketFile + ": " + e.getMessage());
            }
            channel = c;
        }

        @Override
        public void bind(SocketAddress local) throws IOException {
            throw new SocketException("a Unix-domain connection has no local address to bind");
        }

        @Override
        public boolean isConnected() {
            return channel != null;
        }

        @Override
        public boolean isBound() {
            return channel != null;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            SocketChannel c = open();
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) return 0;
                    int timeout = timeoutMillis;
                    if (timeout > 0) awaitReadable(c, timeout);
                    return c.read(ByteBuffer.wrap(b, off, len));
                }
            };
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            SocketChannel c = open();
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                    while (buffer.hasRemaining()) c.write(buffer);
                }
            };
        }

        /**
         * Waits up to {@code millis} for something to read; the channel is in non-blocking mode only
         * meanwhile (a channel registered with a selector cannot block), and back when this returns.
         */
        private static void awaitReadable(SocketChannel c, int millis) throws IOException {
            int ready;
            synchronized (c.blockingLock()) {
                c.configureBlocking(false);
                try (Selector selector = Selector.open()) {
                    c.register(selector, SelectionKey.OP_READ);
                    ready = selector.select(millis);
                } finally {
                    c.configureBlocking(true); // closing the selector deregistered the channel
                }
            }
            if (ready == 0) throw new SocketTimeoutException("nothing to read within " + millis + " ms");
        }

        private SocketChannel open() throws SocketException {
            if (closed) throw new SocketException("socket closed");
            if (channel == null) throw new SocketException("not connected");
            return channel;
        }

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            if (timeout < 0) throw new IllegalArgumentException("timeout < 0");
            timeoutMillis = timeout;
        }

        @Override
        public int getSoTimeout() {
            return timeoutMillis;
        }

        /** No TCP here: Nagle and keep-alives do not apply. */
        @Override
        public void setTcpNoDelay(boolean on) {}

        @Override
        public boolean getTcpNoDelay() {
            return true;
        }

        @Override
        public void setKeepAlive(boolean on) {}

        @Override
        public boolean getKeepAlive() {
            return false;
        }

        @Override
        public void setReceiveBufferSize(int size) throws SocketException {
            setOption(StandardSocketOptions.SO_RCVBUF, size);
        }

        @Override
        public void setSendBufferSize(int size) throws SocketException {
            setOption(StandardSocketOptions.SO_SNDBUF, size);
        }

        private void setOption(java.net.SocketOption<Integer> option, int value) throws SocketException {
            try {
                open().setOption(option, value);
            } catch (SocketException e) {
                throw e;
            } catch (IOException e) {
                throw new SocketException(e.getMessage());
            }
        }

        @Override
        public void shutdownInput() throws IOException {
            open().shutdownInput();
        }

        @Override
        public void shutdownOutput() throws IOException {
            open().shutdownOutput();
        }

        @Override
        public synchronized void close() throws IOException {
            closed = true;
            if (channel != null) channel.close();
        }

        @Override
        public String toString() {
            return "UnixSocket[" + socketFile + "]";
        }
    }
}
