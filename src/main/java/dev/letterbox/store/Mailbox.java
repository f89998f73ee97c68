package dev.letterbox.store;

import java.util.Optional;

/**
 * A mailbox (folder) of one account. {@code name} uses '/' as the hierarchy separator and is stored
 * in Unicode (protocol encodings such as modified UTF-7 are the protocol's business); "INBOX" is
 * always spelled so. {@code uidNext} is the UID the next message will get.
 */
public record Mailbox(long id, long accountId, String name, long uidValidity, long uidNext,
                      long highestModSeq, Optional<SpecialUse> specialUse) {

    public static final String INBOX = "INBOX";
    public static final char SEPARATOR = '/';

    public boolean isInbox() {
        return INBOX.equals(name);
    }
}
