package dev.letterbox.sieve;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A compiled Sieve script (RFC 5228 and the extensions of {@link #EXTENSIONS}). Compile once and
 * keep it: {@link #run} does not parse again. Immutable and safe to share between threads.
 *
 * <pre>
 *   SieveScript s = SieveScript.compile(source, Limits.defaults());   // or SieveException(line, reason)
 *   SieveResult result = s.run(messageView);                         // actions to perform
 * </pre>
 */
public final class SieveScript {
    /** The capabilities offered, for ManageSieve's SIEVE capability line. */
    public static final List<String> EXTENSIONS = CompileContext.EXTENSIONS;

    private final Code.Exec body;
    private final Set<String> required;
    private final Limits limits;

    private SieveScript(Code.Exec body, Set<String> required, Limits limits) {
        this.body = body;
        this.required = required;
        this.limits = limits;
    }

    public static SieveScript compile(String source, Limits limits) throws SieveException {
        CompileContext ctx = new CompileContext(limits);
        Code.Exec body = Compiler.compile(source, ctx);
        return new SieveScript(body, ctx.required(), limits);
    }

    public static SieveScript compile(String source) throws SieveException {
        return compile(source, Limits.defaults());
    }

    /** The extensions the script requires. */
    public Set<String> required() {
        return required;
    }

    /** Runs with the limits the script was compiled with. */
    public SieveResult run(MessageView message) {
        return run(message, limits);
    }

    /**
     * Runs the script against a message. Never throws for anything the script does: a run-time
     * error or an exceeded bound gives a result with the error and a single implicit keep.
     */
    public SieveResult run(MessageView message, Limits runLimits) {
        Run r = new Run(message, runLimits);
        try {
            body.run(r);
            return new SieveResult(r.actions.result(r.flags()), r.headers(), r.headersChanged(),
                    List.copyOf(r.duplicateMarks), Optional.empty());
        } catch (SieveRuntimeException e) {
            return failed(message, e.getMessage());
        } catch (StackOverflowError e) {
            return failed(message, "the script nests too deeply to run");
        } catch (RuntimeException e) {
            // A failing message view or a defect here must not lose the message either.
            return failed(message, "internal error: " + e);
        }
    }

    private static SieveResult failed(MessageView message, String error) {
        return new SieveResult(List.of(new Action.Keep(List.of(), true)), message.headers(), false, List.of(),
                Optional.of(error));
    }

    Code.Exec body() {
        return body;
    }
}
