package dev.letterbox.sieve;

/**
 * A script that cannot be compiled: the line (1-based) where the problem is and a reason meant for
 * the script's author, e.g. {@code line 7: fileinto needs require "fileinto"}. ManageSieve's
 * PUTSCRIPT and CHECKSCRIPT show {@link #getMessage()} as it is.
 */
public final class SieveException extends Exception {
    private final int line;
    private final String reason;

    public SieveException(int line, String reason) {
        super("line " + line + ": " + reason);
        this.line = line;
        this.reason = reason;
    }

    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
