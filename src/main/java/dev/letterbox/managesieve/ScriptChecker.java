package dev.letterbox.managesieve;

import java.util.Optional;

/**
 * Decides whether a script may be stored (PUTSCRIPT) or passes CHECKSCRIPT: the seam where the Sieve
 * compiler plugs in. The session has already checked what RFC 5804 asks of the server itself: the
 * size limit and that the script is valid UTF-8 ({@link ScriptText}).
 *
 * <p>Implementations are called from many sessions at once and must be thread-safe; a check must
 * end in bounded time whatever the script says.
 */
@FunctionalInterface
public interface ScriptChecker {
    /** The first problem that makes {@code source} unacceptable; empty when it is acceptable. */
    Optional<ScriptError> check(String source);

    /** Accepts every script (for tests of the protocol alone). */
    ScriptChecker ACCEPT_ALL = source -> Optional.empty();
}
