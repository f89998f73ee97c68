package dev.letterbox.delivery;

import dev.letterbox.store.Account;
import java.util.List;

/** What happened to one recipient's copy. */
sealed interface DeliveryOutcome {
    Account account();

    /** Stored: one copy, or several when the account's filters filed it into several mailboxes. */
    record Stored(Account account, List<Copy> copies) implements DeliveryOutcome {}

    record Copy(long mailboxId, long uid) {}

    /** The account's filters stored nothing: they discarded, forwarded or refused the message. */
    record Filtered(Account account) implements DeliveryOutcome {}

    /** Refused: the message would exceed the account's quota. Permanent for this message. */
    record OverQuota(Account account) implements DeliveryOutcome {}

    /** Could not be stored now (storage failure); the sender should retry. */
    record Failed(Account account, String reason) implements DeliveryOutcome {}
}
