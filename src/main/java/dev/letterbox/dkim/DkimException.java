package dev.letterbox.dkim;

/**
 * Why a signature did not pass, as the result word it earns (RFC 8601 §2.7.1) and a reason for
 * people. Thrown and caught within one verification; carries no stack trace because it is an
 * outcome, not a bug.
 */
public final class DkimException extends Exception {
    private final DkimResult.Status status;
    private final boolean testing;

    public DkimException(DkimResult.Status status, String reason) {
        this(status, reason, false);
    }

    private DkimException(DkimResult.Status status, String reason, boolean testing) {
        super(reason, null, false, false);
        this.status = status;
        this.testing = testing;
    }

    /**
     * This failure as it counts under a key in testing mode: RFC 6376 §3.6.1 t=y asks verifiers to
     * treat the message like an unsigned one, so it is neutral rather than fail.
     */
    DkimException underTestingKey() {
        return new DkimException(DkimResult.Status.NEUTRAL, getMessage() + " (key in testing mode, t=y)", true);
    }

    /** True when the failure was downgraded because the key record has t=y. */
    public boolean testing() {
        return testing;
    }

    public DkimResult.Status status() {
        return status;
    }

    public String reason() {
        return getMessage();
    }

    static DkimException neutral(String reason) {
        return new DkimException(DkimResult.Status.NEUTRAL, reason);
    }

    static DkimException permerror(String reason) {
        return new DkimException(DkimResult.Status.PERMERROR, reason);
    }

    static DkimException fail(String reason) {
        return new DkimException(DkimResult.Status.FAIL, reason);
    }

    static DkimException policy(String reason) {
        return new DkimException(DkimResult.Status.POLICY, reason);
    }
}
