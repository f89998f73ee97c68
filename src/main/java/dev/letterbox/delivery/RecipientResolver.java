package dev.letterbox.delivery;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.Recipient;
import dev.letterbox.delivery.RecipientDecision.Accept;
import dev.letterbox.delivery.RecipientDecision.Refusal;
import dev.letterbox.delivery.RecipientDecision.Refuse;
import dev.letterbox.store.Domain;
import java.util.List;
import java.util.Locale;

/**
 * Where mail for one address goes, for every way in: local accounts (after aliases, catch-alls
 * and {@code +tags}), remote addresses (alias forwards; other domains when the sender may relay),
 * or a refusal. Routing is decided by the address's own domain only; a {@code %}, {@code !} or
 * quoted {@code @} in a local part is just a character of a local name, so none can make us relay.
 */
final class RecipientResolver {
    private final Directory directory;

    RecipientResolver(Directory directory) {
        this.directory = directory;
    }

    /**
     * RFC 5321 §3.3 RCPT: an address in one of our domains must exist; any other domain is a relay,
     * allowed only when {@code mayRelay}. An only account that is over quota already, or would be
     * with {@code declaredSize} octets more, is refused for now. "Postmaster" without a domain
     * (RFC 5321 §4.1.1.3) is postmaster at one of our domains; a domain literal is never ours.
     */
    RecipientDecision resolve(String address, boolean mayRelay, long declaredSize) {
        if (address.equalsIgnoreCase("postmaster")) return postmaster();
        String domain = domainOf(address);
        Recipient r = domain.startsWith("[") ? new Recipient.NotLocal(domain) : directory.resolve(address);
        return switch (r) {
            case Recipient.Deliverable d -> {
                if (d.forwards().isEmpty() && d.accounts().size() == 1
                        && d.accounts().get(0).wouldExceedQuota(Math.max(1, declaredSize))) {
                    yield new Refuse(Refusal.MAILBOX_FULL);
                }
                yield new Accept(d.accounts(), d.forwards());
            }
            case Recipient.UnknownUser u -> new Refuse(Refusal.UNKNOWN_USER);
            case Recipient.Invalid i -> directory.hostsDomain(domain) ? new Refuse(Refusal.UNKNOWN_USER)
                    : relay(address, mayRelay, Refusal.INVALID);
            case Recipient.NotLocal n -> relay(address, mayRelay, Refusal.RELAY_DENIED);
        };
    }

    private static RecipientDecision relay(String address, boolean mayRelay, Refusal otherwise) {
        if (otherwise == Refusal.INVALID && !address.contains("@")) return new Refuse(Refusal.INVALID);
        return mayRelay ? new Accept(List.of(), List.of(address)) : new Refuse(Refusal.RELAY_DENIED);
    }

    private RecipientDecision postmaster() {
        for (Domain d : directory.domains()) {
            if (directory.resolve("postmaster@" + d.name()) instanceof Recipient.Deliverable del) {
                return new Accept(del.accounts(), del.forwards());
            }
        }
        return new Refuse(Refusal.UNKNOWN_USER);
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
