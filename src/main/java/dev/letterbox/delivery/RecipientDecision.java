package dev.letterbox.delivery;

import dev.letterbox.store.Account;
import java.util.List;

/** What the pipeline will do with one recipient address, decided when the address is named. */
public sealed interface RecipientDecision {
    /**
     * Local accounts to store for, and remote addresses to queue: {@code forwarded} when an address
     * of ours passes its mail on to them (an alias, an account's forwarding, a bounce to one of our
     * SRS addresses), so the copy leaves with a rewritten sender; not for a relayed recipient.
     */
    record Accept(List<Account> accounts, List<String> remote, boolean forwarded) implements RecipientDecision {
        /** Local accounts only, or a relayed recipient. */
        public Accept(List<Account> accounts, List<String> remote) {
            this(accounts, remote, false);
        }
    }

    record Refuse(Refusal reason) implements RecipientDecision {}

    enum Refusal {
        /** The domain is ours but nobody has this address (SMTP 550 5.1.1). */
        UNKNOWN_USER,
        /** The domain is not ours and the sender may not relay (SMTP 554 5.7.1). */
        RELAY_DENIED,
        /** The only mailbox is full already, or would be with the announced size: try later (SMTP 452 4.2.2). */
        MAILBOX_FULL,
        /** Not an address at all. */
        INVALID,
        /** An SRS address at our SRS domain that we did not sign, or not an SRS address at all (SMTP 550 5.7.1). */
        SRS_FORGED,
        /** An SRS address we signed, older than the maximum age (SMTP 550 5.7.1). */
        SRS_EXPIRED
    }
}
