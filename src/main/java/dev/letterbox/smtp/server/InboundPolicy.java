package dev.letterbox.smtp.server;

import dev.letterbox.auth.Addresses;
import dev.letterbox.auth.Directory;
import dev.letterbox.auth.Recipient;
import dev.letterbox.smtp.Mailbox;
import dev.letterbox.smtp.SmtpReply;
import dev.letterbox.store.Account;
import dev.letterbox.store.Domain;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may send to whom: recipient checks against the directory, the relay rule, and sender
 * ownership on submission. Routing is decided by the mailbox's own domain only; a {@code %},
 * {@code !} or quoted {@code @} in a local part is just a character of a local name.
 */
final class InboundPolicy {
    private final Directory directory;

    InboundPolicy(Directory directory) {
        this.directory = directory;
    }

    /** What to do with one RCPT. */
    sealed interface Decision {
        /** Local accounts to store for, and remote addresses to queue (alias forwards or a relayed recipient). */
        record Accept(List<Account> accounts, List<String> remote) implements Decision {}

        record Refuse(SmtpReply reply) implements Decision {}
    }

    static final SmtpReply UNKNOWN_USER = SmtpReply.of(550, "5.1.1", "no such user here");
    static final SmtpReply RELAY_DENIED = SmtpReply.of(554, "5.7.1", "relay access denied: we do not accept mail for that domain");
    static final SmtpReply MAILBOX_FULL_NOW = SmtpReply.of(452, "4.2.2", "mailbox full; try again later");

    /**
     * RFC 5321 §3.3 RCPT: a recipient in one of our domains must exist (550 5.1.1); any other
     * domain is a relay, allowed only when {@code authenticated} (else 554 5.7.1). An account
     * that is over its quota already, or would be with {@code declaredSize}, gets 452 4.2.2.
     */
    Decision recipient(Mailbox to, boolean authenticated, long declaredSize) {
        if (to.isBarePostmaster()) return postmaster();
        String address = to.address();
        Recipient r = to.isAddressLiteral() ? new Recipient.NotLocal(to.domain()) : directory.resolve(address);
        return switch (r) {
            case Recipient.Deliverable d -> {
                if (d.forwards().isEmpty() && d.accounts().size() == 1
                        && d.accounts().get(0).wouldExceedQuota(Math.max(1, declaredSize))) {
                    yield new Decision.Refuse(MAILBOX_FULL_NOW);
                }
                yield new Decision.Accept(d.accounts(), d.forwards());
            }
            case Recipient.UnknownUser u -> new Decision.Refuse(UNKNOWN_USER);
            case Recipient.Invalid i -> hosted(to.domain()) ? new Decision.Refuse(UNKNOWN_USER) : relay(address, authenticated);
            case Recipient.NotLocal n -> relay(address, authenticated);
        };
    }

    private Decision relay(String address, boolean authenticated) {
        return authenticated ? new Decision.Accept(List.of(), List.of(address)) : new Decision.Refuse(RELAY_DENIED);
    }

    private boolean hosted(String domain) {
        return directory.hostsDomain(domain);
    }

    /** RFC 5321 §4.1.1.3: {@code <Postmaster>} must be accepted; it is postmaster@ one of our domains. */
    private Decision postmaster() {
        for (Domain d : directory.domains()) {
            if (directory.resolve("postmaster@" + d.name()) instanceof Recipient.Deliverable del) {
                return new Decision.Accept(del.accounts(), del.forwards());
            }
        }
        return new Decision.Refuse(UNKNOWN_USER);
    }

    /**
     * Submission: the envelope sender must be the account's address or an alias delivering to it
     * ({@link Directory#addressesOf}), also with a {@code +tag}. The null sender is refused: bounces
     * are the server's to send.
     */
    boolean ownsSender(Account account, Optional<Mailbox> from) {
        if (from.isEmpty() || from.get().isBarePostmaster()) return false;
        Optional<String> normal = Addresses.normalize(from.get().address());
        if (normal.isEmpty()) return false;
        String wanted = normal.get();
        String local = Addresses.localPartOf(wanted);
        int plus = local.indexOf('+');
        String untagged = plus > 0 ? local.substring(0, plus) + "@" + Addresses.domainOf(wanted) : wanted;
        for (String owned : directory.addressesOf(account)) {
            String o = owned.toLowerCase(Locale.ROOT);
            if (o.equals(wanted) || o.equals(untagged)) return true;
        }
        return false;
    }
}
