package dev.letterbox.auth;

import dev.letterbox.store.Account;
import java.util.List;

/** Where mail for one address goes, after aliases, catch-alls and subaddresses are expanded. */
public sealed interface Recipient {
    /** Delivered to these local accounts and forwarded to these remote addresses (either may be empty, not both). */
    record Deliverable(List<Account> accounts, List<String> forwards) implements Recipient {}

    /** The domain is ours but nobody has this address (SMTP 550 5.1.1). */
    record UnknownUser() implements Recipient {}

    /** The domain is not hosted here (a relay, allowed only for authenticated senders). */
    record NotLocal(String domain) implements Recipient {}

    /** Not a syntactically valid address. */
    record Invalid() implements Recipient {}
}
