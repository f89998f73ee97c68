package dev.letterbox.delivery;

/** The authserv-id of an Authentication-Results field value (RFC 8601 §2.2): who claims the results. */
final class AuthservId {
    private AuthservId() {}

    /**
     * The first token of {@code value}, before any version number and the first ';', with comments
     * left out; "" when there is none. Nested comments are followed to a bounded depth.
     */
    static String of(String value) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        boolean started = false;
        for (int i = 0; i < value.length() && i < 1024; i++) {
            char c = value.charAt(i);
            if (c == '\\' && depth > 0) {
                i++; // a quoted pair inside a comment
            } else if (c == '(') {
                if (++depth > 50) break;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0) {
                if (c == ';') break;
                if (Character.isWhitespace(c)) {
                    if (started) break;
                } else {
                    started = true;
                    out.append(c);
                }
            }
        }
        String id = out.toString();
        return id.startsWith("\"") && id.endsWith("\"") && id.length() >= 2 ? id.substring(1, id.length() - 1) : id;
    }
}
