package dev.letterbox.imap;

import java.nio.charset.StandardCharsets;

/** One literal of a command, as the reader took it in (RFC 3501 §4.3, RFC 7888, RFC 3516 literal8). */
public sealed interface Literal {
    long size();

    /** Written as {@code ~{n}} (literal8: may contain NUL, only where BINARY allows it). */
    boolean binary();

    record InMemory(byte[] bytes, boolean binary) implements Literal {
        @Override
        public long size() {
            return bytes.length;
        }

        public String utf8() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    record Stored(StoredLiteral data, boolean binary) implements Literal {
        @Override
        public long size() {
            return data.size();
        }
    }
}
