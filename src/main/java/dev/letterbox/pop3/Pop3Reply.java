package dev.letterbox.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes POP3 replies: status lines with optional RFC 2449 response codes, and multi-line bodies
 * byte-stuffed per RFC 1939 §3 (a line starting with '.' gets another '.'; ".CRLF" ends the body).
 */
public final class Pop3Reply {
    /** RFC 2449 §8 / RFC 3206 extended response codes. */
    public enum Code {
        IN_USE("IN-USE"), LOGIN_DELAY("LOGIN-DELAY"), SYS_TEMP("SYS/TEMP"), SYS_PERM("SYS/PERM"), AUTH("AUTH");

        final String text;

        Code(String text) {
            this.text = text;
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private final OutputStream out;

    public Pop3Reply(OutputStream out) {
        this.out = out;
    }

    public void ok(String text) throws IOException {
        line(text.isEmpty() ? "+OK" : "+OK " + text);
    }

    public void err(String text) throws IOException {
        line("-ERR " + text);
    }

    public void err(Code code, String text) throws IOException {
        line("-ERR [" + code.text + "] " + text);
    }

    /** A SASL continuation ("+ " and the base64 challenge, RFC 5034 §4). */
    public void continuation(String base64) throws IOException {
        line("+ " + base64);
    }

    /** One line of a multi-line body; a leading '.' is stuffed. */
    public void bodyLine(String text) throws IOException {
        if (text.startsWith(".")) out.write('.');
        line(text);
    }

    public void endOfBody() throws IOException {
        line(".");
    }

    private void line(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write(CRLF);
    }

    /**
     * Copies a stored message as a byte-stuffed multi-line body, and its terminating ".CRLF".
     * {@code bodyLines} limits the lines after the header/body separator (TOP); negative = all.
     * Stored messages use CRLF; a bare LF is sent as CRLF so the terminator stays unambiguous.
     */
    public void message(InputStream in, int bodyLines) throws IOException {
        byte[] buf = new byte[8192];
        boolean lineStart = true, inBody = false, lastWasCr = false;
        int currentLineLength = 0, bodyLinesSent = 0;
        int n;
        outer:
        while ((n = in.read(buf)) > 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (lineStart) {
                    if (inBody && bodyLines >= 0 && bodyLinesSent >= bodyLines) {
                        out.write(buf, start, i - start);
                        break outer;
                    }
                    if (b == '.') {
                        out.write(buf, start, i - start);
                        out.write('.');
                        start = i;
                    }
                    lineStart = false;
                }
                if (b == '\n') {
                    if (!lastWasCr) { // bare LF: insert the CR
                        out.write(buf, start, i - start);
                        out.write('\r');
                        start = i;
                    }
                    if (inBody) bodyLinesSent++;
                    else if (currentLineLength == 0) inBody = true; // the empty line ends the header
                    lineStart = true;
                    currentLineLength = 0;
                } else if (b != '\r') {
                    currentLineLength++;
                }
                lastWasCr = b == '\r';
            }
            out.write(buf, start, n - start);
        }
        if (!lineStart) out.write(CRLF); // the message did not end with a line break
        endOfBody();
    }
}
