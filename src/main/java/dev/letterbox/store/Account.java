package dev.letterbox.store;

import java.time.Instant;
import java.util.Set;

/**
 * A mail account. {@code address} is the login name and primary address, stored lower-case
 * (local part and domain). {@code quotaBytes} and {@code quotaMessages} 0 mean unlimited; {@code usedBytes}
 * and {@code usedMessages} are what the account's messages hold now. The password hash is deliberately
 * not part of this record so that it can never end up in a log line or an API answer by accident.
 * {@code requireAppPasswords}: the mail protocols accept only the account's app passwords.
 */
public record Account(long id, String address, long domainId, long quotaBytes, long usedBytes,
                      Set<Protocol> protocols, boolean enabled, Instant created, boolean requireAppPasswords,
                      long quotaMessages, long usedMessages) {

    public boolean allows(Protocol protocol) {
        return enabled && protocols.contains(protocol);
    }

    /** True when storing one more message of {@code moreBytes} would exceed a quota. */
    public boolean wouldExceedQuota(long moreBytes) {
        return wouldExceedQuota(moreBytes, 1);
    }

    /** True when storing {@code moreMessages} messages of {@code moreBytes} in all would exceed a quota. */
    public boolean wouldExceedQuota(long moreBytes, long moreMessages) {
        return (quotaBytes > 0 && usedBytes + moreBytes > quotaBytes)
                || (quotaMessages > 0 && usedMessages + moreMessages > quotaMessages);
    }

    /** True when the account has a limit of either kind (then it has an IMAP quota root). */
    public boolean hasQuota() {
        return quotaBytes > 0 || quotaMessages > 0;
    }
}
