package dev.letterbox.managesieve;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes ManageSieve responses (RFC 5804 §1.2, §4): OK/NO/BYE with an optional response code and
 * text, capability lines, script listings and literals. Strings go out quoted when they may be
 * (at most 1024 octets, no CR, LF or NUL; '"' and '\' escaped), else as a literal {@code {n}}.
 */
public final class SieveWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private final OutputStream out;

    public SieveWriter(OutputStream out) {
        this.out = out;
    }

    public void ok(ResponseCode code, String text) throws IOException {
        status("OK", code, text);
    }

    public void ok(String text) throws IOException {
        status("OK", null, text);
    }

    public void no(ResponseCode code, String text) throws IOException {
        status("NO", code, text);
    }

    public void no(String text) throws IOException {
        status("NO", null, text);
    }

    public void bye(ResponseCode code, String text) throws IOException {
        status("BYE", code, text);
    }

    /** One capability line (§1.7): {@code "NAME"} or {@code "NAME" "value"}. */
    public void capability(String name, String value) throws IOException {
        string(name);
        if (value != null) {
            out.write(' ');
            string(value);
        }
        out.write(CRLF);
    }

    /** One LISTSCRIPTS line (§2.7): the name, and " ACTIVE" for the active script. */
    public void listed(String name, boolean active) throws IOException {
        string(name);
        if (active) out.write(" ACTIVE".getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
    }

    /** A string on a line of its own: a script (GETSCRIPT, always a literal) or a SASL challenge. */
    public void stringLine(String value) throws IOException {
        string(value);
        out.write(CRLF);
    }

    /** GETSCRIPT's answer (§2.9): the script as a literal, then its line end. */
    public void literalLine(byte[] octets) throws IOException {
        literal(octets);
        out.write(CRLF);
    }

    private void status(String status, ResponseCode code, String text) throws IOException {
        out.write(status.getBytes(StandardCharsets.US_ASCII));
        if (code != null) {
            out.write((" (" + code.atom()).getBytes(StandardCharsets.US_ASCII));
            if (code.argument().isPresent()) {
                out.write(' ');
                string(code.argument().get());
            }
            out.write(')');
        }
        if (text != null && !text.isEmpty()) {
            out.write(' ');
            string(text);
        }
        out.write(CRLF);
    }

    private void string(String value) throws IOException {
        byte[] octets = value.getBytes(StandardCharsets.UTF_8);
        if (!quotable(octets)) {
            literal(octets);
            return;
        }
        out.write('"');
        for (byte b : octets) {
            if (b == '"' || b == '\\') out.write('\\');
            out.write(b);
        }
        out.write('"');
    }

    private void literal(byte[] octets) throws IOException {
        out.write(("{" + octets.length + "}").getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        out.write(octets);
    }

    private static boolean quotable(byte[] octets) {
        if (octets.length > CommandReader.MAX_QUOTED) return false;
        for (byte b : octets) if (b == 0 || b == '\r' || b == '\n') return false;
        return true;
    }
}
