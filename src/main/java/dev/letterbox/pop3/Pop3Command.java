package dev.letterbox.pop3;

import java.util.Optional;
import java.util.OptionalInt;

/** One parsed POP3 command. Message numbers are as the client sent them (1-based). */
public sealed interface Pop3Command {
    record User(String name) implements Pop3Command {}

    /** The password is everything after "PASS " (it may contain spaces, RFC 1939 §7). */
    record Pass(String password) implements Pop3Command {
        @Override
        public String toString() {
            return "Pass[***]";
        }
    }

    /** AUTH with no mechanism lists the mechanisms; the initial response is RFC 5034's. */
    record Auth(Optional<String> mechanism, Optional<String> initialResponse) implements Pop3Command {
        @Override
        public String toString() {
            return "Auth[" + mechanism.orElse("") + "]";
        }
    }

    record Capa() implements Pop3Command {}

    record Stls() implements Pop3Command {}

    record Quit() implements Pop3Command {}

    record Stat() implements Pop3Command {}

    record List(OptionalInt message) implements Pop3Command {}

    record Retr(int message) implements Pop3Command {}

    record Dele(int message) implements Pop3Command {}

    record Noop() implements Pop3Command {}

    record Rset() implements Pop3Command {}

    record Top(int message, int lines) implements Pop3Command {}

    record Uidl(OptionalInt message) implements Pop3Command {}

    /** A command we know of but do not offer (APOP needs plaintext passwords on the server). */
    record Unsupported(String keyword) implements Pop3Command {}
}
