package dev.letterbox.store;

import java.time.Instant;
import java.util.Set;

/**
 * A mail account. {@code address} is the login name and primary address, stored lower-case
 * (local part and domain). {@code quotaBytes} 0 means unlimited. The password hash is deliberately
 * not part of this record so that it can never end up in a log line or an API answer by accident.
 * {@code requireAppPasswords}: the mail protocols accept only the account's app passwords.
 */
public record Account(long id, String address, long domainId, long quotaBytes, long usedBytes,
                      Set<Protocol> protocols, boolean enabled, Instant created, boolean requireAppPasswords) {

    public boolean allows(Protocol protocol) {
        return enabled && protocols.contains(protocol);
    }

    /** True when storing {@code moreBytes} would exceed the quota. */
    public boolean wouldExceedQuota(long moreBytes) {
        return quotaBytes > 0 && usedBytes + moreBytes > quotaBytes;
    }
}
