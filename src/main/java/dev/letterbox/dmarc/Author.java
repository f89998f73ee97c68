package dev.letterbox.dmarc;

import java.util.List;

/**
 * The RFC5322.From domain(s) of a message: what DMARC authenticates (RFC 7489 §3.1, §6.6.1). Read
 * from the header section with {@link #fromHeader}.
 */
public sealed interface Author {
    /**
     * The From field's domains, distinct, in order, A-label lower case; at least one. Usually one;
     * a From field may list several mailboxes (RFC 5322 §3.6.2), and then each domain is checked.
     */
    record Domains(List<String> domains) implements Author {
        public Domains {
            domains = List.copyOf(domains);
            if (domains.isEmpty()) throw new IllegalArgumentException("no domain");
        }
    }

    /** No From field at all. */
    record Missing() implements Author {}

    /** More than one From field (RFC 5322 §3.6 allows exactly one). */
    record SeveralFields(int count) implements Author {}

    /** A From field without a single mailbox whose domain is a usable domain name. */
    record Unusable(String why) implements Author {}

    /**
     * Finds the From field in {@code header[0, end)} (end -1: the header was cut short, use all
     * bytes) and the domains of its mailboxes. Never throws for bad input; bounded work.
     */
    static Author fromHeader(byte[] header, int end) {
        return FromField.parse(header, end < 0 ? header.length : Math.min(end, header.length));
    }
}
