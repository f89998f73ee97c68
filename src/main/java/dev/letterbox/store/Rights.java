package dev.letterbox.store;

import java.util.Optional;

/**
 * A set of mailbox access rights (RFC 4314 §2.1), one letter each: l lookup, r read, s keep \Seen,
 * w write other flags, i insert, p post, k create below, x delete the mailbox, t set \Deleted,
 * e expunge, a administer. Immutable; {@link #toString()} gives the letters in that canonical order.
 */
public record Rights(int bits) {
    /** Every right, in the canonical order; the owner of a mailbox always has all of them. */
    public static final String LETTERS = "lrswipkxtea";
    public static final Rights NONE = new Rights(0);
    public static final Rights ALL = new Rights((1 << LETTERS.length()) - 1);

    public Rights {
        if ((bits & ~((1 << LETTERS.length()) - 1)) != 0) throw new IllegalArgumentException("unknown right bits");
    }

    /**
     * The rights named by {@code letters}, empty when a letter is unknown. The obsolete letters of
     * RFC 2086 are read as RFC 4314 §2.1.1 allows: "c" as "kx" (create and delete mailboxes), "d" as
     * "te" (set \Deleted and expunge).
     */
    public static Optional<Rights> parse(String letters) {
        int bits = 0;
        for (int i = 0; i < letters.length(); i++) {
            char c = letters.charAt(i);
            switch (c) {
                case 'c' -> bits |= bit('k') | bit('x');
                case 'd' -> bits |= bit('t') | bit('e');
                default -> {
                    int at = LETTERS.indexOf(c);
                    if (at < 0) return Optional.empty();
                    bits |= 1 << at;
                }
            }
        }
        return Optional.of(new Rights(bits));
    }

    private static int bit(char letter) {
        return 1 << LETTERS.indexOf(letter);
    }

    /** True when {@code letter} (one of {@link #LETTERS}) is in the set. */
    public boolean has(char letter) {
        int at = LETTERS.indexOf(letter);
        if (at < 0) throw new IllegalArgumentException("not a right: " + letter);
        return (bits & (1 << at)) != 0;
    }

    public boolean isEmpty() {
        return bits == 0;
    }

    public Rights plus(Rights other) {
        return new Rights(bits | other.bits);
    }

    public Rights minus(Rights other) {
        return new Rights(bits & ~other.bits);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < LETTERS.length(); i++) if ((bits & (1 << i)) != 0) b.append(LETTERS.charAt(i));
        return b.toString();
    }
}
