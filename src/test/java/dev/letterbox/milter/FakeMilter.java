package dev.letterbox.milter;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A milter server for the protocol edges a real filter cannot be made to show: it negotiates what the
 * test says and answers with a script (reply codes, header changes, progress, silence, oversized or
 * garbage packets). Plain TCP on 127.0.0.1; each client connection runs the script once on its own
 * virtual thread, and every packet the client sends is recorded.
 */
final class FakeMilter implements AutoCloseable {
    /** What the filter does on one connection. */
    interface Script {
        void run(Conversation c) throws Exception;
    }

    /** One packet as received: code and data. */
    record Received(char code, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        /** The NUL-separated strings of the data. */
        List<String> strings() {
            List<String> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == 0) {
                    out.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return out;
        }
    }

    private final ServerSocket server;
    private final Script script;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Throwable> scriptErrors = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private final List<Thread> conversations = new CopyOnWriteArrayList<>();

    FakeMilter(Script script) throws IOException {
        this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.script = script;
        this.acceptor = Thread.ofVirtual().name("fake-milter").start(this::accept);
    }

    String address() {
        return "inet:127.0.0.1:" + server.getLocalPort();
    }

    /**
     * Every packet received, from all connections, in order. Waits (up to 5 s) for the conversations
     * to end first: the client returns its verdict before the filter has read the QUIT after it.
     */
    List<Received> received() {
        awaitConversations();
        return List.copyOf(received);
    }

    /** The codes of the received packets, e.g. "ODCDHDMDRDTLLNBDEQ". */
    String codes() {
        StringBuilder sb = new StringBuilder();
        for (Received r : received()) sb.append(r.code());
        return sb.toString();
    }

    List<Received> packets(char code) {
        return received().stream().filter(r -> r.code() == code).toList();
    }

    List<Throwable> scriptErrors() {
        awaitConversations();
        return List.copyOf(scriptErrors);
    }

    private void awaitConversations() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (Thread t : conversations) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                conversations.add(Thread.ofVirtual().start(() -> {
                    try (s) {
                        script.run(new Conversation(s));
                    } catch (EOFException | java.net.SocketException closedByClient) {
                        // the client hung up, as it may
                    } catch (Throwable t) {
                        scriptErrors.add(t);
                    }
                }));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** The filter's side of one connection. */
    final class Conversation {
        private final DataInputStream in;
        private final DataOutputStream out;

        Conversation(Socket s) throws IOException {
            this.in = new DataInputStream(s.getInputStream());
            this.out = new DataOutputStream(s.getOutputStream());
        }

        Received read() throws IOException {
            int length = in.readInt();
            byte[] packet = in.readNBytes(length);
            if (packet.length != length) throw new EOFException();
            Received r = new Received((char) packet[0], java.util.Arrays.copyOfRange(packet, 1, packet.length));
            received.add(r);
            return r;
        }

        /** Reads the option negotiation and answers with version 6 and the given actions and steps. */
        Received negotiate(int actions, int steps) throws IOException {
            return negotiate(6, actions, steps);
        }

        Received negotiate(int version, int actions, int steps) throws IOException {
            Received o = read();
            if (o.code() != 'O') throw new IOException("expected option negotiation, got " + o.code());
            send('O', new Packet.Builder().int32(version).int32(actions).int32(steps).build());
            return o;
        }

        /**
         * Reads packets until one with {@code code}, answering "continue" to each step that expects
         * an answer under {@code steps} (macros never get one). Returns that packet, unanswered.
         */
        Received continueUntil(char code, int steps) throws IOException {
            while (true) {
                Received r = read();
                if (r.code() == code) return r;
                if (expectsReply(r.code(), steps)) send('c');
            }
        }

        /** Reads until end of message, answering "continue" where an answer is due. */
        Received untilEndOfMessage(int steps) throws IOException {
            return continueUntil('E', steps);
        }

        void send(char code) throws IOException {
            send(code, new byte[0]);
        }

        void send(char code, byte[] data) throws IOException {
            out.writeInt(data.length + 1);
            out.write(code);
            out.write(data);
            out.flush();
        }

        /** Sends NUL-terminated strings. */
        void send(char code, String... strings) throws IOException {
            Packet.Builder b = new Packet.Builder();
            for (String s : strings) b.string(s);
            send(code, b.build());
        }

        void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Reads until the client closes, recording what it sends (QUIT, ABORT). */
        void drain() throws IOException {
            try {
                while (true) read();
            } catch (EOFException | java.net.SocketException closed) {
                // done
            }
        }
    }

    private static boolean expectsReply(char code, int steps) {
        int noReply = switch (code) {
            case 'C' -> MilterProtocol.NOREPLY_CONNECT;
            case 'H' -> MilterProtocol.NOREPLY_HELO;
            case 'M' -> MilterProtocol.NOREPLY_MAIL;
            case 'R' -> MilterProtocol.NOREPLY_RCPT;
            case 'T' -> MilterProtocol.NOREPLY_DATA;
            case 'L' -> MilterProtocol.NOREPLY_HEADER;
            case 'N' -> MilterProtocol.NOREPLY_EOH;
            case 'B' -> MilterProtocol.NOREPLY_BODY;
            default -> -1; // macros, abort, quit: never answered
        };
        return noReply != -1 && (steps & noReply) == 0;
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        conversations.forEach(Thread::interrupt); // scripts that sleep to play a silent filter
    }
}
