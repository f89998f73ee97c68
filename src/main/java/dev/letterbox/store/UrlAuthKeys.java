package dev.letterbox.store;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * URLAUTH mailbox access keys (RFC 4467 §3): one secret per account and mailbox, made on first
 * use, forgotten by RESETKEY. Obtained from {@link MailStore#urlAuthKeys()}. Every method is one
 * transaction; a new or forgotten key is durable before the method returns.
 */
public interface UrlAuthKeys {
    /** The mailbox's key, made (32 random octets) when it has none; the same for every caller. */
    byte[] keyFor(long accountId, long mailboxId);

    /** The mailbox's key, empty when it has none. */
    Optional<byte[]> key(long accountId, long mailboxId);

    /** Forgets the key of one mailbox, or with an empty {@code mailboxId} every key of the account. */
    void reset(long accountId, OptionalLong mailboxId);
}
