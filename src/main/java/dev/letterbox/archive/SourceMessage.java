package dev.letterbox.archive;

import dev.letterbox.store.Flags;
import java.time.Instant;
import java.util.Optional;

/**
 * What a reader knows of the message it just copied out: the folder it belongs in (as a mailbox name
 * with '/' between levels), its flags, and its internal date when the archive records one (else the
 * importer takes the Date: header). {@code problem} is set when the message was read but must not be
 * stored (too big, cut off): its bytes written so far are to be thrown away.
 */
public record SourceMessage(String mailbox, Flags flags, Optional<Instant> internalDate, String where,
                            Optional<String> problem) {
    public static SourceMessage ok(String mailbox, Flags flags, Optional<Instant> internalDate, String where) {
        return new SourceMessage(mailbox, flags, internalDate, where, Optional.empty());
    }

    public SourceMessage refused(String why) {
        return new SourceMessage(mailbox, flags, internalDate, where, Optional.of(why));
    }
}
