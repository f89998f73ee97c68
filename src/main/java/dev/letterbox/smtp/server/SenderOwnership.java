package dev.letterbox.smtp.server;

import dev.letterbox.auth.Addresses;
import dev.letterbox.auth.Directory;
import dev.letterbox.smtp.Mailbox;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailboxGrants;
import java.util.Locale;
import java.util.Optional;

/** Submission (RFC 6409 §6.1): which envelope senders a logged-in account may use. */
final class SenderOwnership {
    private final Directory directory;
    private final MailboxGrants grants;

    SenderOwnership(Directory directory, MailboxGrants grants) {
        this.directory = directory;
        this.grants = grants;
    }

    /**
     * The envelope sender must be the account's address or an alias delivering to it
     * ({@link Directory#addressesOf}), also with a {@code +tag}, or one of those of an account that
     * lets it "send as" that account. The null sender is refused: bounces are the server's to send.
     */
    boolean owns(Account account, Optional<Mailbox> from) {
        if (from.isEmpty() || from.get().isBarePostmaster()) return false;
        Optional<String> normal = Addresses.normalize(from.get().address());
        if (normal.isEmpty()) return false;
        String wanted = normal.get();
        String local = Addresses.localPartOf(wanted);
        int plus = local.indexOf('+');
        String untagged = plus > 0 ? local.substring(0, plus) + "@" + Addresses.domainOf(wanted) : wanted;
        for (String owned : directory.sendableAddressesOf(account, grants.sendAsOwners(account.id()))) {
            String o = owned.toLowerCase(Locale.ROOT);
            if (o.equals(wanted) || o.equals(untagged)) return true;
        }
        return false;
    }
}
