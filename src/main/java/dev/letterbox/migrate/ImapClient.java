package dev.letterbox.migrate;

import dev.letterbox.relay.OutboundTls;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Just enough of an IMAP client (RFC 9051 / 3501) to read another server's mail: TLS (imaps) or
 * STARTTLS (imap), LOGIN or AUTHENTICATE PLAIN, LIST, EXAMINE (nothing changes on the source, no
 * \Seen set: BODY.PEEK), UID FETCH. One command at a time.
 */
final class ImapClient implements Closeable {
    /** A folder as LIST gives it. */
    record Folder(String name, String delimiter, boolean selectable) {}

    /** A message as UID FETCH (UID FLAGS INTERNALDATE RFC822.SIZE) gives it. */
    record Summary(long uid, List<String> flags, String internalDate, long size) {}

    private final Socket socket;
    private ImapResponseReader in;
    private OutputStream out;
    private int tag;
    private List<String> capabilities = List.of();

    private ImapClient(Socket socket) throws IOException {
        this.socket = socket;
        streams();
    }

    private void streams() throws IOException {
        in = new ImapResponseReader(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        out = new BufferedOutputStream(socket.getOutputStream());
    }

    /**
     * Connects to {@code host:port}; {@code implicitTls} for imaps, else STARTTLS is required.
     * {@code anyCertificate} accepts a certificate nobody vouches for (a server with a self-signed one).
     */
    static ImapClient connect(String host, int port, boolean implicitTls, boolean anyCertificate, Duration timeout)
            throws IOException {
        SSLContext tls = tls(anyCertificate);
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        plain.setSoTimeout((int) timeout.toMillis());
        ImapClient client = new ImapClient(implicitTls ? wrap(tls, plain, host, anyCertificate) : plain);
        List<Object> greeting = client.in.next();
        if (!"OK".equalsIgnoreCase(word(greeting, 1))) {
            client.close();
            throw new IOException("the server did not greet with OK: " + greeting);
        }
        if (!implicitTls) {
            client.command("STARTTLS"); // the server says no more until the handshake: nothing is left buffered
            return new ImapClient(wrap(tls, plain, host, anyCertificate));
        }
        return client;
    }

    private static SSLSocket wrap(SSLContext tls, Socket plain, String host, boolean anyCertificate) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, plain.getPort(), true);
        if (!anyCertificate) { // the certificate must name the host
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
        }
        s.startHandshake();
        return s;
    }

    /** The relay's TLS contexts: the system's CAs, or (any certificate) none checked at all. */
    private static SSLContext tls(boolean anyCertificate) throws IOException {
        OutboundTls outbound = OutboundTls.load(Optional.empty());
        return anyCertificate ? outbound.opportunistic() : outbound.verifying();
    }

    void login(String user, String password) throws IOException {
        if (capabilities.isEmpty()) capabilities = capability();
        if (capabilities.contains("AUTH=PLAIN") && capabilities.contains("SASL-IR")) {
            String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
            command("AUTHENTICATE PLAIN " + plain);
        } else {
            command("LOGIN " + quote(user) + " " + quote(password));
        }
    }

    private List<String> capability() throws IOException {
        List<String> caps = new ArrayList<>();
        for (List<Object> r : command("CAPABILITY")) {
            if ("CAPABILITY".equalsIgnoreCase(word(r, 1))) {
                for (Object o : r.subList(2, r.size())) if (o instanceof String s) caps.add(s.toUpperCase(Locale.ROOT));
            }
        }
        return caps;
    }

    List<Folder> list() throws IOException {
        List<Folder> folders = new ArrayList<>();
        for (List<Object> r : command("LIST \"\" \"*\"")) {
            if (r.size() < 5 || !"LIST".equalsIgnoreCase(word(r, 1)) || !(r.get(2) instanceof List<?> attributes)) continue;
            boolean selectable = attributes.stream().noneMatch(a -> a instanceof String s
                    && (s.equalsIgnoreCase("\\Noselect") || s.equalsIgnoreCase("\\NonExistent")));
            folders.add(new Folder((String) r.get(4), (String) r.get(3), selectable));
        }
        return folders;
    }

    /** EXAMINEs {@code folder}; returns its UIDVALIDITY. */
    long examine(String folder) throws IOException {
        long uidValidity = 0;
        for (List<Object> r : command("EXAMINE " + quote(folder))) {
            if (r.size() > 2 && "OK".equalsIgnoreCase(word(r, 1)) && r.get(2) instanceof String code
                    && code.toUpperCase(Locale.ROOT).startsWith("[UIDVALIDITY")) {
                uidValidity = Long.parseLong(code.replaceAll("[^0-9]", "")); // "[UIDVALIDITY 3857529045]" is one token
            }
        }
        if (uidValidity == 0) throw new IOException(folder + ": the server gave no UIDVALIDITY");
        return uidValidity;
    }

    /** The selected folder's messages with a UID of {@code fromUid} or more, in UID order. */
    List<Summary> summaries(long fromUid) throws IOException {
        List<Summary> all = new ArrayList<>();
        for (List<Object> r : command("UID FETCH " + fromUid + ":* (UID FLAGS INTERNALDATE RFC822.SIZE)")) {
            if (r.size() < 4 || !"FETCH".equalsIgnoreCase(word(r, 2)) || !(r.get(3) instanceof List<?> items)) continue;
            long uid = -1, size = -1;
            String date = null;
            List<String> flags = new ArrayList<>();
            for (int i = 0; i + 1 < items.size(); i += 2) {
                String name = String.valueOf(items.get(i)).toUpperCase(Locale.ROOT);
                Object value = items.get(i + 1);
                switch (name) {
                    case "UID" -> uid = Long.parseLong((String) value);
                    case "RFC822.SIZE" -> size = Long.parseLong((String) value);
                    case "INTERNALDATE" -> date = (String) value;
                    case "FLAGS" -> {
                        for (Object f : (List<?>) value) flags.add((String) f);
                    }
                    default -> { }
                }
            }
            if (uid >= fromUid) all.add(new Summary(uid, flags, date, size)); // "n:*" also names the last message when below n
        }
        all.sort((a, b) -> Long.compare(a.uid(), b.uid()));
        return all;
    }

    /** Writes message {@code uid}'s bytes to {@code sink}; false when the server no longer has it. */
    boolean body(long uid, OutputStream sink) throws IOException {
        String t = "m" + (++tag);
        send(t + " UID FETCH " + uid + " (BODY.PEEK[])");
        boolean got = false;
        while (true) {
            in.streamNextLiteralTo(sink);
            List<Object> r = in.next();
            in.streamNextLiteralTo(null);
            if (t.equals(word(r, 0))) {
                if (!"OK".equalsIgnoreCase(word(r, 1))) throw new IOException("UID FETCH " + uid + " failed: " + r);
                return got;
            }
            if ("FETCH".equalsIgnoreCase(word(r, 2))) got = true;
        }
    }

    void logout() {
        try {
            command("LOGOUT");
        } catch (IOException e) {
            // leaving anyway
        }
    }

    /** Sends a command and returns its untagged responses; throws unless it ends in OK. */
    private List<List<Object>> command(String command) throws IOException {
        String t = "m" + (++tag);
        send(t + " " + command);
        List<List<Object>> untagged = new ArrayList<>();
        while (true) {
            List<Object> r = in.next();
            if (t.equals(word(r, 0))) {
                if (!"OK".equalsIgnoreCase(word(r, 1))) {
                    String shown = command.startsWith("LOGIN") || command.startsWith("AUTHENTICATE") ? command.split(" ")[0] : command;
                    throw new IOException(shown + ": " + String.join(" ", r.stream().skip(1).map(String::valueOf).toList()));
                }
                return untagged;
            }
            untagged.add(r);
        }
    }

    private void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String word(List<Object> response, int i) {
        return response.size() > i && response.get(i) instanceof String s ? s : "";
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
