package dev.letterbox.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes replies in the RFC 5321 §4.2 syntax: every line but the last as {@code code-text}, the last
 * as {@code code SP text}, the enhanced code (RFC 2034 §4) at the start of each line's text. Nothing
 * is flushed here; the session decides when (PIPELINING, RFC 2920 §3.2).
 */
public final class ReplyWriter {
    private final OutputStream out;

    public ReplyWriter(OutputStream out) {
        this.out = out;
    }

    public void write(SmtpReply reply) throws IOException {
        out.write(format(reply));
    }

    /** The reply's bytes on the wire. */
    public static byte[] format(SmtpReply reply) {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < reply.lines().size(); i++) {
            sb.append(reply.code()).append(i == reply.lines().size() - 1 ? ' ' : '-');
            reply.enhanced().ifPresent(e -> sb.append(e).append(' '));
            sb.append(reply.lines().get(i)).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
