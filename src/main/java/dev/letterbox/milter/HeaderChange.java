package dev.letterbox.milter;

/**
 * One header modification a filter asked for at end of message, in the order it asked. Names and
 * values are checked when the reply is read, so every instance is safe to write into a message: the
 * name is printable ASCII without a colon, and the value has no NUL, no bare CR, and every line break
 * (written as LF, the milter convention) is followed by a space or tab, so a value cannot end the
 * header section or start a new field. Values carry no leading space; {@link HeaderEditor} adds one.
 */
public sealed interface HeaderChange {
    String name();

    String value();

    /** Append a field at the end of the header section (SMFIR_ADDHEADER). */
    record Add(String name, String value) implements HeaderChange {
        public Add {
            HeaderChange.check(name, value);
        }
    }

    /**
     * Insert a field before the field at {@code index} (0 = at the top) among all fields; past the
     * end means append (SMFIR_INSHEADER).
     */
    record Insert(int index, String name, String value) implements HeaderChange {
        public Insert {
            if (index < 0) throw new IllegalArgumentException("negative header index");
            HeaderChange.check(name, value);
        }
    }

    /**
     * Replace the {@code index}-th field (1-based) named {@code name}; an empty value deletes it. When
     * there are fewer fields of that name, a non-empty value is appended as a new field, as Sendmail does
     * (rspamd adds its spam header this way) (SMFIR_CHGHEADER).
     */
    record Change(int index, String name, String value) implements HeaderChange {
        public Change {
            if (index < 1) throw new IllegalArgumentException("header index is 1-based");
            HeaderChange.check(name, value);
        }

        public boolean deletes() {
            return value.isEmpty();
        }
    }

    private static void check(String name, String value) {
        if (name.isEmpty()) throw new IllegalArgumentException("empty header name");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') throw new IllegalArgumentException("bad character in header name");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r') throw new IllegalArgumentException("NUL or CR in header value");
            if (c == '\n') {
                char next = i + 1 < value.length() ? value.charAt(i + 1) : 0;
                if (next != ' ' && next != '\t') {
                    throw new IllegalArgumentException("line break in header value not followed by white space");
                }
            }
        }
    }
}
