package dev.letterbox.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A small SMTP server for the edges a real Letterbox never shows a client: it offers exactly the
 * EHLO extensions the test sets (no DSN, no SMTPUTF8, a tiny SIZE, ...), answers RCPT as the test
 * says, and records every command line and every message it accepts. Plain TCP on 127.0.0.1.
 */
public final class ScriptedSmtpServer implements AutoCloseable {
    /** One accepted transaction: the MAIL and RCPT lines as sent, and the message data (dot-unstuffed). */
    public record Received(String mail, List<String> rcpts, String data) {}

    private final ServerSocket socket;
    private final Thread acceptor;
    private volatile List<String> extensions = List.of("PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES");
    private volatile Function<String, String> rcptReply = line -> "250 2.1.5 ok";
    private volatile long dataDelayMillis;
    private final java.util.concurrent.atomic.AtomicInteger inData = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostInData = new java.util.concurrent.atomic.AtomicInteger();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ScriptedSmtpServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("scripted-smtp").start(this::accept);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /**
     * The EHLO keywords (with parameters) offered from now on. Open sessions are closed, as by a
     * restart with the new configuration: a client must not keep using what an old EHLO said.
     */
    public ScriptedSmtpServer extensions(String... lines) {
        extensions = List.of(lines);
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all we want
            }
        }
        return this;
    }

    /** The reply to each RCPT line (the whole line is given), from now on. */
    public ScriptedSmtpServer rcptReply(Function<String, String> reply) {
        rcptReply = reply;
        return this;
    }

    /** Holds each answer to the message data this long: transactions overlap, and {@link #mostConcurrentData} shows how many. */
    public ScriptedSmtpServer dataDelay(long millis) {
        dataDelayMillis = millis;
        return this;
    }

    /** The most transactions that were between DATA and its answer at the same time. */
    public int mostConcurrentData() {
        return mostInData.get();
    }

    public List<String> commands() {
        return List.copyOf(commands);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        open.add(s);
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            reply(out, "220 scripted.test ESMTP");
            String mail = null;
            List<String> rcpts = new ArrayList<>();
            for (String line; (line = line(in)) != null; ) {
                commands.add(line);
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> {
                        List<String> lines = new ArrayList<>(List.of("scripted.test"));
                        lines.addAll(extensions);
                        for (int i = 0; i < lines.size(); i++) reply(out, "250" + (i + 1 < lines.size() ? "-" : " ") + lines.get(i));
                    }
                    case "HELO" -> reply(out, "250 scripted.test");
                    case "MAIL" -> {
                        mail = line;
                        rcpts.clear();
                        reply(out, "250 2.1.0 ok");
                    }
                    case "RCPT" -> {
                        String r = rcptReply.apply(line);
                        if (r.startsWith("2")) rcpts.add(line);
                        reply(out, r);
                    }
                    case "DATA" -> {
                        if (mail == null || rcpts.isEmpty()) {
                            reply(out, "554 5.5.1 no valid recipients");
                            continue;
                        }
                        reply(out, "354 go ahead");
                        mostInData.accumulateAndGet(inData.incrementAndGet(), Math::max);
                        try {
                            received.add(new Received(mail, List.copyOf(rcpts), data(in)));
                            if (dataDelayMillis > 0) Thread.sleep(dataDelayMillis);
                        } catch (InterruptedException e) {
                            return;
                        } finally {
                            inData.decrementAndGet();
                        }
                        mail = null;
                        reply(out, "250 2.0.0 queued");
                    }
                    case "RSET" -> {
                        mail = null;
                        reply(out, "250 2.0.0 ok");
                    }
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 not implemented here");
                }
            }
        } catch (IOException ignored) {
            // the client went away
        } finally {
            open.remove(s);
        }
    }

    private static String data(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line; (line = line(in)) != null; ) {
            if (line.equals(".")) return sb.toString();
            sb.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
        }
        throw new IOException("connection closed in DATA");
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            buf.write(b);
        }
        return null;
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        acceptor.interrupt();
    }
}
