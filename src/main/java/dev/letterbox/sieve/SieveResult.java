package dev.letterbox.sieve;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of a run.
 *
 * @param actions        what to do, in script order; the implicit keep last when it applies. Never
 *                       empty unless the script discarded, rejected or only redirected the message.
 * @param headers        the header fields after addheader/deleteheader (RFC 5293), for every
 *                       delivery action of this run; equal to the message's when unchanged
 * @param headersChanged whether {@code headers} differs from the message's
 * @param duplicateMarks ids for the caller to record in its duplicate tracker once delivery succeeded
 * @param error          a run-time error ("line 4: ..."): then {@code actions} is a single implicit
 *                       keep without flags, whatever the script had done before
 */
public record SieveResult(List<Action> actions, List<HeaderField> headers, boolean headersChanged,
        List<DuplicateMark> duplicateMarks, Optional<String> error) {

    /** RFC 7352: remember {@code id} for {@code seconds}; {@code last} restarts its period. */
    public record DuplicateMark(String id, long seconds, boolean last) {}
}
