package dev.letterbox.store;

import java.time.Instant;

/** A mail domain this server hosts; {@code name} is lower-case ASCII (IDNs in A-label form). */
public record Domain(long id, String name, Instant created) {}
