package dev.letterbox.dmarc;

import java.util.Locale;
import java.util.Optional;

/**
 * A policy a Domain Owner asks for ({@code p=}, {@code sp=}, RFC 7489 §6.3) and what is done with a
 * message (the disposition of the aggregate report, Appendix C). Least strict first.
 */
public enum Disposition {
    NONE, QUARANTINE, REJECT;

    /** As written in records, reports and Authentication-Results: "none", "quarantine", "reject". */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** RFC 7489 §6.6.4: what a message that the {@code pct} sample leaves out gets instead. */
    Disposition oneLessStrict() {
        return this == REJECT ? QUARANTINE : NONE;
    }

    static Optional<Disposition> parse(String value) {
        for (Disposition d : values()) {
            if (d.token().equalsIgnoreCase(value)) return Optional.of(d);
        }
        return Optional.empty();
    }
}
