package dev.letterbox.auth;

/**
 * A directory request refused for a reason the operator can fix; the message is one clear line.
 * The {@link Kind} lets a caller pick its answer (the admin API: 400, 404 or 409).
 */
public class DirectoryException extends RuntimeException {
    public enum Kind {
        /** The request itself is wrong: bad syntax, a missing prerequisite, a weak password. */
        INVALID,
        /** The domain, account or alias it names does not exist. */
        NOT_FOUND,
        /** It clashes with what exists: a duplicate, or a domain that still has accounts. */
        CONFLICT
    }

    private final Kind kind;

    public DirectoryException(String message) {
        this(Kind.INVALID, message);
    }

    public DirectoryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
