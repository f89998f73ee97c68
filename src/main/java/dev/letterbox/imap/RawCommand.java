package dev.letterbox.imap;

import java.util.List;

/**
 * One complete command as read from the wire: its lines (without CRLF) and the literals between
 * them. Line {@code i} (all but the last) ends with the literal marker of {@code literals.get(i)}.
 * {@code tag} and {@code name} (upper-case, "UID FETCH" for UID commands) were read ahead by the
 * reader; the parser checks them again.
 */
public record RawCommand(String tag, String name, List<byte[]> lines, List<Literal> literals) implements AutoCloseable {
    public RawCommand {
        if (lines.size() != literals.size() + 1) throw new IllegalArgumentException("lines and literals do not alternate");
    }

    /** Discards streamed literals nobody took over. */
    @Override
    public void close() {
        for (Literal l : literals) if (l instanceof Literal.Stored s) s.data().close();
    }
}
