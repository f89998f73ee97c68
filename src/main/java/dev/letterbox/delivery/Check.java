package dev.letterbox.delivery;

/**
 * One check the pipeline runs on incoming mail: sender authentication, reputation, a filter. A
 * check decides per message whether it applies ({@link #start}); its run sees the message as it
 * streams in (header section first, then the body) and gives its {@link Verdict} at the end.
 * Implementations are thread-safe; each run belongs to one message.
 */
public interface Check {
    /** The run of this check for one message, or null when the check does not look at it (e.g. submission). */
    Run start(Envelope envelope, Recipients recipients);

    /**
     * One check of one message. Called on the thread that receives the message ({@link #header},
     * {@link #body}), then {@link #finish} once, maybe on another thread and beside other checks.
     * A run must bound its own time (DNS, a filter's answer) and never throw for bad input: it
     * answers with a verdict instead.
     */
    interface Run {
        /**
         * The header section as it will be stored (the client's, after any fields the pipeline removed
         * or added in front of it): {@code bytes[0, end)}, end including the empty line; -1 when the
         * header was too long to find its end (the bytes are then only its first part).
         */
        default void header(byte[] bytes, int end) {}

        /** Body bytes, in order, as they arrive. */
        default void body(byte[] b, int off, int len) {}

        /** After the last byte. {@code message} can be read again (a filter that wants it whole). */
        Verdict finish(SpooledMessage message);

        /**
         * True when {@link #finish} does blocking I/O of its own (a round trip to a filter), so it
         * should overlap the others on a thread of its own. False (the default) when it only
         * computes and waits for lookups it started earlier: such runs finish one after the other
         * on the receiving thread, which takes no longer, as their lookups are already under way.
         */
        default boolean blocksInFinish() {
            return false;
        }
    }
}
