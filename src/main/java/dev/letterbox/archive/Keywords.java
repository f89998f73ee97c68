package dev.letterbox.archive;

/** IMAP keywords as archives carry them: only what is a valid flag keyword (RFC 3501 atom) is kept. */
final class Keywords {
    static final int MAX_LENGTH = 100;

    private Keywords() {}

    static boolean valid(String keyword) {
        if (keyword.isEmpty() || keyword.length() > MAX_LENGTH || keyword.charAt(0) == '\\') return false;
        for (int i = 0; i < keyword.length(); i++) {
            char c = keyword.charAt(i);
            if (c <= ' ' || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) return false;
        }
        return true;
    }
}
