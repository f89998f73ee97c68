package dev.letterbox.milter;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One connection to a filter: packet framing, a size limit on what the filter sends, and time limits
 * on every blocking step.
 *
 * <p>Blocking I/O runs on the caller's (virtual) thread. A blocking {@link SocketChannel} has no read
 * timeout, and Unix sockets have no {@code Socket} to set one on, so each connect, write and read is
 * guarded by an alarm that closes the channel when it rings: the blocked call then fails and is
 * reported as a timeout. Each step may take at most the per-step timeout, and never past the
 * message's deadline. One shared daemon thread rings all alarms; it holds no per-message state.
 */
final class MilterChannel implements Closeable {
    /**
     * Largest packet a filter may send. Replies are small (a reply code, one header field); a replaced
     * body chunk is at most 64 KiB under the default negotiation. A filter announcing more is broken
     * or hostile, and is stopped before anything is allocated.
     */
    static final int MAX_PACKET = 256 * 1024;

    private static final ScheduledExecutorService ALARMS = alarmThread();

    private final SocketChannel channel;
    private final long stepNanos;
    private final long deadlineNanos;
    private final ByteBuffer lengthBuffer = ByteBuffer.allocate(4);
    private volatile boolean rang;

    private MilterChannel(SocketChannel channel, long stepNanos, long deadlineNanos) {
        this.channel = channel;
        this.stepNanos = stepNanos;
        this.deadlineNanos = deadlineNanos;
    }

    /** Connects within the step timeout (and the deadline); the host name is resolved before. */
    static MilterChannel connect(MilterAddress address, long stepNanos, long deadlineNanos) throws IOException {
        SocketChannel channel = address instanceof MilterAddress.Unix
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        MilterChannel milter = new MilterChannel(channel, stepNanos, deadlineNanos);
        try {
            var target = address.socketAddress();
            milter.timed("connecting", () -> channel.connect(target));
            if (address instanceof MilterAddress.Inet) channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return milter;
        } catch (IOException | RuntimeException e) {
            milter.close();
            throw e;
        }
    }

    /** Sends one packet: the code byte, then {@code data}. */
    void send(byte code, byte[] data) throws IOException {
        send(code, data, 0, data.length);
    }

    void send(byte code, byte[] data, int offset, int length) throws IOException {
        ByteBuffer packet = ByteBuffer.allocate(5 + length);
        packet.putInt(length + 1).put(code).put(data, offset, length).flip();
        timed("sending", () -> {
            while (packet.hasRemaining()) channel.write(packet);
            return null;
        });
    }

    /** Reads one packet, waiting at most the step timeout; a "progress" packet is returned like any other. */
    Packet receive() throws IOException {
        return timed("waiting for the filter's reply", () -> {
            lengthBuffer.clear();
            readFully(lengthBuffer);
            long length = Integer.toUnsignedLong(lengthBuffer.getInt(0));
            if (length == 0) throw new MilterException("filter sent an empty packet");
            if (length > MAX_PACKET) {
                throw new MilterException("filter sent a packet of " + length + " bytes (limit " + MAX_PACKET + ")");
            }
            ByteBuffer body = ByteBuffer.allocate((int) length);
            readFully(body);
            byte[] bytes = body.array();
            return new Packet(bytes[0], java.util.Arrays.copyOfRange(bytes, 1, bytes.length));
        });
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) throw new MilterException("filter closed the connection");
        }
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    private <T> T timed(String what, Step<T> step) throws IOException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) throw new MilterException("message deadline passed before " + what);
        long limit = Math.min(stepNanos, remaining);
        ScheduledFuture<?> alarm = ALARMS.schedule(this::ring, limit, TimeUnit.NANOSECONDS);
        try {
            return step.run();
        } catch (IOException e) {
            if (rang) {
                if (limit < stepNanos) throw new MilterException("message deadline reached while " + what);
                throw new MilterException("timeout (" + TimeUnit.NANOSECONDS.toMillis(limit) + " ms) while " + what);
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    private void ring() {
        rang = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the blocked call fails either way
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to tell the filter
        }
    }

    private static ScheduledExecutorService alarmThread() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "milter-alarms");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true); // a cancelled alarm must not linger for the whole timeout
        return executor;
    }
}
