package dev.letterbox.relay;

import java.util.Optional;

/**
 * What one delivery attempt did for one recipient. {@code reply} is always in SMTP reply form,
 * "550 5.1.1 text", whether a server said it or we did (then {@code remoteMta} is empty).
 */
public sealed interface Outcome {
    Optional<String> remoteMta();

    /**
     * Accepted with a 250 (or stored, for a local recipient). {@code reportsOnward}: the next hop
     * took the DSN request along (it offered DSN), so success reports are its business now.
     */
    record Delivered(Optional<String> remoteMta, boolean reportsOnward) implements Outcome {}

    /** A temporary failure: try again later. */
    record Deferred(String reply, Optional<String> remoteMta) implements Outcome {}

    /** A permanent failure: bounce. */
    record Failed(String reply, Optional<String> remoteMta) implements Outcome {}
}
