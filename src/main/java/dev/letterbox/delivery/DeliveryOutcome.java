package dev.letterbox.delivery;

import dev.letterbox.store.Account;

/** What happened to one recipient's copy. */
sealed interface DeliveryOutcome {
    Account account();

    record Stored(Account account, long mailboxId, long uid) implements DeliveryOutcome {}

    /** Refused: the message would exceed the account's quota. Permanent for this message. */
    record OverQuota(Account account) implements DeliveryOutcome {}

    /** Could not be stored now (storage failure); the sender should retry. */
    record Failed(Account account, String reason) implements DeliveryOutcome {}
}
