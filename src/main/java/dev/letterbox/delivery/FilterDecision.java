package dev.letterbox.delivery;

import dev.letterbox.sieve.Action;
import dev.letterbox.sieve.HeaderField;
import dev.letterbox.sieve.SieveResult;
import java.util.List;
import java.util.Optional;

/**
 * What an account's filters (Sieve scripts) decided for one message: the copies to store, the
 * addresses to forward it to, a refusal, vacation answers, a changed header section, and the
 * duplicate-test ids to remember once the message is delivered. Without filters: one copy where
 * mail goes by default.
 *
 * @param rejection the reason, when a script refused the message (RFC 5429); then nothing is stored
 * @param header    the header fields as the scripts left them, when they changed them (RFC 5293)
 */
record FilterDecision(List<Copy> copies, List<String> redirects, Optional<String> rejection,
                      List<Action.Vacation> vacations, Optional<List<HeaderField>> header,
                      List<SieveResult.DuplicateMark> duplicateMarks) {

    /** One copy: into {@code mailbox} (null: INBOX, or Junk for junk), made first if {@code create}. */
    record Copy(String mailbox, List<String> flags, boolean create) {}

    /** The same decision with no redirect and a copy in INBOX (its redirect failed: the implicit keep). */
    FilterDecision keptInInbox() {
        boolean inInbox = copies.stream().anyMatch(c -> c.mailbox() == null || c.mailbox().equalsIgnoreCase("INBOX"));
        List<Copy> kept = new java.util.ArrayList<>(copies);
        if (!inInbox && rejection.isEmpty()) kept.add(new Copy(null, List.of(), false));
        return new FilterDecision(List.copyOf(kept), List.of(), rejection, vacations, header, duplicateMarks);
    }

    static final FilterDecision KEEP = new FilterDecision(List.of(new Copy(null, List.of(), false)), List.of(),
            Optional.empty(), List.of(), Optional.empty(), List.of());
}
