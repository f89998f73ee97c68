package dev.letterbox.store;

import java.util.Optional;

/**
 * What one address is here, as read in one statement: whether its domain is hosted and, if so, the
 * account with exactly that address (none when it is an alias, a catch-all's or nobody's).
 */
public record AddressLookup(boolean domainHosted, Optional<Account> account) {
    public static final AddressLookup NOT_HOSTED = new AddressLookup(false, Optional.empty());

    public AddressLookup {
        if (!domainHosted && account.isPresent()) throw new IllegalArgumentException("an account in a domain not hosted");
    }
}
