package dev.letterbox.smtp;

import java.util.Optional;
import java.util.Set;

/**
 * The RCPT TO parameters of RFC 3461: NOTIFY as {@code notifyOn} (an empty set means NEVER) and ORCPT, kept as
 * {@code addr-type;address} with the xtext decoded.
 */
public record RcptParameters(Optional<Set<Notify>> notifyOn, Optional<String> orcpt) {
    public static final RcptParameters NONE = new RcptParameters(Optional.empty(), Optional.empty());

    public enum Notify { SUCCESS, FAILURE, DELAY }
}
