package dev.letterbox.imap;

/** Character classes of the RFC 3501 §9 grammar, on octets. */
final class Chars {
    private Chars() {}

    static boolean isCtl(int b) {
        return (b >= 0 && b < 0x20) || b == 0x7f;
    }

    /** ATOM-CHAR: any CHAR except atom-specials: ( ) { SP CTL % * " \ ] */
    static boolean isAtomChar(int b) {
        if (b <= 0x20 || b >= 0x7f) return false;
        return switch (b) {
            case '(', ')', '{', '%', '*', '"', '\\', ']' -> false;
            default -> true;
        };
    }

    /** ASTRING-CHAR: ATOM-CHAR or ']'. */
    static boolean isAstringChar(int b) {
        return isAtomChar(b) || b == ']';
    }

    /** list-char: ATOM-CHAR or list-wildcards or resp-specials. */
    static boolean isListChar(int b) {
        return isAtomChar(b) || b == '%' || b == '*' || b == ']';
    }
}
