package dev.letterbox.spf;

/**
 * Ends check_host() with permerror (a policy that breaks the rules: syntax, limits) or temperror
 * (DNS trouble, time). Caught only by {@link SpfVerifier}; without a stack trace, since it is an
 * answer about the sender's DNS, not a fault of ours.
 */
final class SpfException extends Exception {
    private final SpfResult.Result result;

    private SpfException(SpfResult.Result result, String problem) {
        super(problem, null, false, false);
        this.result = result;
    }

    static SpfException perm(String problem) {
        return new SpfException(SpfResult.Result.PERMERROR, problem);
    }

    static SpfException temp(String problem) {
        return new SpfException(SpfResult.Result.TEMPERROR, problem);
    }

    SpfResult.Result result() {
        return result;
    }
}
