package dev.letterbox.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for the ClamAV daemon on a loopback port, speaking the part of its protocol that
 * rspamd's antivirus module uses: the command {@code zINSTREAM} (NUL-terminated), the message as
 * chunks each preceded by its length (4 octets, network order) up to an empty chunk, and one
 * NUL-terminated answer, {@code stream: OK} or {@code stream: NAME FOUND}. It "finds" a virus in a
 * stream that contains {@link #MARKER}, so a test decides what is infected without real malware
 * or a virus database.
 */
public final class FakeClamd implements AutoCloseable {
    public static final String MARKER = "LETTERBOX-TEST-VIRUS-MARKER";
    public static final String VIRUS_NAME = "Letterbox.Test.Virus";
    private static final int MAX_STREAM = 32 << 20;

    private final ServerSocket listener;
    private final Thread acceptor;

    public FakeClamd() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("fake-clamd").start(this::acceptLoop);
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread.ofVirtual().start(() -> answer(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void answer(Socket socket) {
        try (socket; DataInputStream in = new DataInputStream(socket.getInputStream()); OutputStream out = socket.getOutputStream()) {
            ByteArrayOutputStream command = new ByteArrayOutputStream();
            for (int b; (b = in.read()) > 0; ) command.write(b);
            if (!command.toString(StandardCharsets.US_ASCII).equals("zINSTREAM")) {
                out.write("UNKNOWN COMMAND\0".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int length; (length = in.readInt()) != 0; ) {
                if (length < 0 || stream.size() + length > MAX_STREAM) {
                    out.write("INSTREAM size limit exceeded. ERROR\0".getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                stream.write(in.readNBytes(length));
            }
            boolean infected = stream.toString(StandardCharsets.ISO_8859_1).contains(MARKER);
            out.write((infected ? "stream: " + VIRUS_NAME + " FOUND\0" : "stream: OK\0").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the scanner hung up: nothing to answer
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
