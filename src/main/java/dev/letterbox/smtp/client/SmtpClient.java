package dev.letterbox.smtp.client;

import dev.letterbox.smtp.SmtpReply;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One SMTP client connection. Construct with {@link #connect} (plaintext, STARTTLS later) or
 * {@link #connectTls} (implicit TLS, port 465); read the greeting with {@link #greeting()}; then
 * {@link #ehlo}, optionally {@link #startTls} and {@link #authPlain}, then {@link #send} or
 * {@link #sendChunked} per message, then {@link #quit()}.
 */
public final class SmtpClient implements Closeable {
    private static final int MAX_REPLY_LINE = 2048;
    private static final int MAX_REPLY_LINES = 200;
    private static final Pattern ENHANCED = Pattern.compile("([245]\\.\\d{1,3}\\.\\d{1,3})( (.*))?");

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private List<String> extensions = List.of();

    /**
     * The envelope of one message: {@code from} "" for the null sender; parameters as written after
     * the path (RFC 5321 §4.1.2 Mail-parameters / Rcpt-parameters), "" for none.
     */
    public record Envelope(String from, String mailParameters, List<Rcpt> rcpts) {
        public Envelope {
            rcpts = List.copyOf(rcpts);
        }

        /** Every recipient with the same parameters. */
        public Envelope(String from, String mailParameters, List<String> recipients, String rcptParameters) {
            this(from, mailParameters, recipients.stream().map(r -> new Rcpt(r, rcptParameters)).toList());
        }

        public static Envelope of(String from, String... recipients) {
            return new Envelope(from, "", List.of(recipients), "");
        }

        public List<String> recipients() {
            return rcpts.stream().map(Rcpt::address).toList();
        }
    }

    /** One recipient and its RCPT parameters (e.g. RFC 3461 NOTIFY and ORCPT). */
    public record Rcpt(String address, String parameters) {}

    /** Every reply of one transaction; {@code data} is absent when no recipient was accepted. */
    public record Result(SmtpReply mail, List<SmtpReply> rcpts, Optional<SmtpReply> data) {
        public boolean accepted() {
            return data.isPresent() && data.get().isPositive();
        }
    }

    private SmtpClient(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        use(socket);
    }

    public static SmtpClient connect(String host, int port, Duration timeout) throws IOException {
        return connect(new InetSocketAddress(host, port), timeout, timeout);
    }

    /** {@code connectTimeout} for the TCP handshake; {@code timeout} for each reply after it. */
    public static SmtpClient connect(InetAddress address, int port, Duration connectTimeout, Duration timeout) throws IOException {
        return connect(new InetSocketAddress(address, port), connectTimeout, timeout);
    }

    private static SmtpClient connect(InetSocketAddress target, Duration connectTimeout, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(target, (int) connectTimeout.toMillis());
            return new SmtpClient(s, timeout);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Implicit TLS (RFC 8314): the handshake comes first. {@code serverName} is checked against the certificate. */
    public static SmtpClient connectTls(String host, int port, SSLContext tls, String serverName, Duration timeout)
            throws IOException {
        return connectTls(new InetSocketAddress(host, port), tls, serverName, true, timeout, timeout);
    }

    /**
     * Implicit TLS to an address; {@code serverName} goes out as SNI and, when {@code verifyName},
     * is checked against the certificate (whether the chain is trusted is {@code tls}'s business).
     */
    public static SmtpClient connectTls(InetAddress address, int port, SSLContext tls, String serverName, boolean verifyName,
                                        Duration connectTimeout, Duration timeout) throws IOException {
        return connectTls(new InetSocketAddress(address, port), tls, serverName, verifyName, connectTimeout, timeout);
    }

    private static SmtpClient connectTls(InetSocketAddress target, SSLContext tls, String serverName, boolean verifyName,
                                         Duration connectTimeout, Duration timeout) throws IOException {
        SmtpClient c = connect(target, connectTimeout, timeout);
        try {
            c.wrap(tls, serverName, verifyName);
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    private void use(Socket s) throws IOException {
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 8192);
        out = new BufferedOutputStream(s.getOutputStream(), 16384);
    }

    private void wrap(SSLContext tls, String serverName, boolean verifyName) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, serverName, socket.getPort(), true);
        ssl.setUseClientMode(true);
        if (serverName != null && verifyName) {
            SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS"); // host name check, as RFC 6125 asks
            ssl.setSSLParameters(params);
        }
        ssl.startHandshake();
        use(ssl);
    }

    public boolean isTls() {
        return socket instanceof SSLSocket;
    }

    public SmtpReply greeting() throws IOException {
        return readReply();
    }

    /** EHLO; the extension keywords (upper-cased lines after the first) are kept for later commands. */
    public SmtpReply ehlo(String name) throws IOException {
        SmtpReply r = command("EHLO " + name);
        extensions = r.isPositive() ? r.lines().subList(1, r.lines().size()).stream()
                .map(l -> l.toUpperCase(Locale.ROOT)).toList() : List.of();
        return r;
    }

    /** True when the last EHLO answer listed {@code keyword} (e.g. "PIPELINING", "AUTH"). */
    public boolean supports(String keyword) {
        String k = keyword.toUpperCase(Locale.ROOT);
        return extensions.stream().anyMatch(l -> l.equals(k) || l.startsWith(k + " "));
    }

    /** The parameters after an EHLO keyword ("52428800" for "SIZE 52428800"; "" when it has none). */
    public Optional<String> extension(String keyword) {
        String k = keyword.toUpperCase(Locale.ROOT);
        for (String l : extensions) {
            if (l.equals(k)) return Optional.of("");
            if (l.startsWith(k + " ")) return Optional.of(l.substring(k.length() + 1).strip());
        }
        return Optional.empty();
    }

    /** STARTTLS (RFC 3207); on 220 the handshake follows and the caller must EHLO again. */
    public SmtpReply startTls(SSLContext tls, String serverName) throws IOException {
        return startTls(tls, serverName, serverName != null);
    }

    /** STARTTLS with {@code serverName} as SNI, checked against the certificate only when {@code verifyName}. */
    public SmtpReply startTls(SSLContext tls, String serverName, boolean verifyName) throws IOException {
        SmtpReply r = command("STARTTLS");
        if (r.code() == 220) {
            wrap(tls, serverName, verifyName);
            extensions = List.of();
        }
        return r;
    }

    /** AUTH PLAIN with an initial response (RFC 4954 §4, RFC 4616). */
    public SmtpReply authPlain(String user, String password) throws IOException {
        byte[] raw = ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
        return command("AUTH PLAIN " + Base64.getEncoder().encodeToString(raw));
    }

    /** Sends one command line and reads its reply. */
    public SmtpReply command(String line) throws IOException {
        writeLine(line);
        out.flush();
        return readReply();
    }

    /** One transaction with DATA; see {@link #send(Envelope, InputStream)}. */
    public Result send(Envelope env, byte[] message) throws IOException {
        return send(env, new ByteArrayInputStream(message));
    }

    /**
     * One transaction with DATA. With PIPELINING, MAIL, the RCPTs and DATA go out together (RFC 2920
     * §3.1) and the replies are read after; without, one by one. The message is streamed from
     * {@code message}, dot-stuffed.
     */
    public Result send(Envelope env, InputStream message) throws IOException {
        boolean pipelining = supports("PIPELINING");
        List<SmtpReply> rcpts = new ArrayList<>();
        SmtpReply mail;
        SmtpReply dataGo;
        if (pipelining) {
            writeLine(mailLine(env));
            for (Rcpt r : env.rcpts()) writeLine(rcptLine(r));
            writeLine("DATA");
            out.flush();
            mail = readReply();
            for (int i = 0; i < env.rcpts().size(); i++) rcpts.add(readReply());
            dataGo = readReply();
        } else {
            mail = command(mailLine(env));
            if (!mail.isPositive()) return new Result(mail, rcpts, Optional.empty());
            for (Rcpt r : env.rcpts()) rcpts.add(command(rcptLine(r)));
            if (rcpts.stream().noneMatch(SmtpReply::isPositive)) return new Result(mail, rcpts, Optional.empty());
            dataGo = command("DATA");
        }
        if (dataGo.code() != 354) return new Result(mail, rcpts, Optional.of(dataGo));
        writeDotStuffed(message);
        out.flush();
        return new Result(mail, rcpts, Optional.of(readReply()));
    }

    /** One transaction with BDAT chunks; see {@link #sendChunked(Envelope, InputStream, int)}. */
    public Result sendChunked(Envelope env, byte[] message, int chunkSize) throws IOException {
        return sendChunked(env, new ByteArrayInputStream(message), chunkSize);
    }

    /**
     * One transaction with BDAT chunks of at most {@code chunkSize} octets (RFC 3030), pipelined;
     * the last chunk (possibly empty) carries LAST. The bytes go as they are: no dot-stuffing.
     */
    public Result sendChunked(Envelope env, InputStream message, int chunkSize) throws IOException {
        writeLine(mailLine(env));
        for (Rcpt r : env.rcpts()) writeLine(rcptLine(r));
        int chunks = 0;
        byte[] current = new byte[chunkSize];
        byte[] next = new byte[chunkSize];
        int n = message.readNBytes(current, 0, chunkSize);
        while (true) {
            int following = n < chunkSize ? 0 : message.readNBytes(next, 0, chunkSize); // look ahead for LAST
            boolean last = following == 0;
            writeLine("BDAT " + n + (last ? " LAST" : ""));
            out.write(current, 0, n);
            chunks++;
            if (last) break;
            byte[] t = current;
            current = next;
            next = t;
            n = following;
        }
        out.flush();
        SmtpReply mail = readReply();
        List<SmtpReply> rcpts = new ArrayList<>();
        for (int i = 0; i < env.rcpts().size(); i++) rcpts.add(readReply());
        SmtpReply last = null;
        for (int i = 0; i < chunks; i++) {
            SmtpReply r = readReply();
            if (last == null || last.isPositive()) last = r; // the first failure is the message's answer
        }
        return new Result(mail, rcpts, Optional.of(last));
    }

    public SmtpReply quit() throws IOException {
        return command("QUIT");
    }

    private static String mailLine(Envelope env) {
        return "MAIL FROM:<" + env.from() + ">" + (env.mailParameters().isEmpty() ? "" : " " + env.mailParameters());
    }

    private static String rcptLine(Rcpt rcpt) {
        return "RCPT TO:<" + rcpt.address() + ">" + (rcpt.parameters().isEmpty() ? "" : " " + rcpt.parameters());
    }

    private void writeLine(String line) throws IOException {
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) throw new IllegalArgumentException("line break in a command");
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    /** RFC 5321 §4.5.2: a leading "." gets another; bare LF becomes CRLF; the data ends with CRLF "." CRLF. */
    private void writeDotStuffed(InputStream m) throws IOException {
        boolean lineStart = true;
        byte prev = 0;
        byte[] buf = new byte[16384];
        for (int n; (n = m.read(buf)) > 0; ) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (lineStart && b == '.') out.write('.');
                if (b == '\n' && prev != '\r') out.write('\r');
                out.write(b);
                lineStart = b == '\n';
                prev = b;
            }
        }
        if (!lineStart) out.write(new byte[] {'\r', '\n'});
        out.write(new byte[] {'.', '\r', '\n'});
    }

    /** Reads one possibly multi-line reply (RFC 5321 §4.2.1). */
    public SmtpReply readReply() throws IOException {
        List<String> texts = new ArrayList<>();
        int code = -1;
        Optional<String> enhanced = Optional.empty();
        boolean allEnhanced = true;
        List<String> raw = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !line.substring(0, 3).matches("[2-5][0-9][0-9]")
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new IOException("malformed SMTP reply line: " + line);
            }
            int c = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && c != code) throw new IOException("reply code changed inside a multi-line reply");
            code = c;
            String text = line.length() > 4 ? line.substring(4) : "";
            raw.add(text);
            var m = ENHANCED.matcher(text);
            if (m.matches() && text.charAt(0) - '0' == code / 100) {
                enhanced = Optional.of(m.group(1));
                texts.add(m.group(3) == null ? "" : m.group(3));
            } else {
                allEnhanced = false;
            }
            if (line.length() == 3 || line.charAt(3) == ' ') break;
            if (raw.size() >= MAX_REPLY_LINES) throw new IOException("reply longer than " + MAX_REPLY_LINES + " lines");
        }
        return allEnhanced ? new SmtpReply(code, enhanced, texts) : new SmtpReply(code, Optional.empty(), raw);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            if (buf.size() >= MAX_REPLY_LINE) throw new IOException("reply line longer than " + MAX_REPLY_LINE + " octets");
            buf.write(b);
        }
        throw new IOException("connection closed by the server");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
