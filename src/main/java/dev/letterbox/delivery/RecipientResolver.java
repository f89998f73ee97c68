package dev.letterbox.delivery;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.Recipient;
import dev.letterbox.delivery.RecipientDecision.Accept;
import dev.letterbox.delivery.RecipientDecision.Refusal;
import dev.letterbox.delivery.RecipientDecision.Refuse;
import dev.letterbox.srs.SrsReversal;
import dev.letterbox.store.Domain;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Where mail for one address goes, for every way in: local accounts (after aliases, catch-alls
 * and {@code +tags}), remote addresses (alias forwards; other domains when the sender may relay),
 * or a refusal. Routing is decided by the address's own domain only; a {@code %}, {@code !} or
 * quoted {@code @} in a local part is just a character of a local name, so none can make us relay.
 * An SRS address of ours (a bounce of mail we forwarded) goes back to the sender it encodes.
 */
final class RecipientResolver {
    private final Directory directory;
    private final Supplier<Forwarding> forwarding;

    RecipientResolver(Directory directory, Supplier<Forwarding> forwarding) {
        this.directory = directory;
        this.forwarding = forwarding;
    }

    /**
     * RFC 5321 §3.3 RCPT: an address in one of our domains must exist; any other domain is a relay,
     * allowed only when {@code mayRelay}. An only account that is over quota already, or would be
     * with {@code declaredSize} octets more, is refused for now. "Postmaster" without a domain
     * (RFC 5321 §4.1.1.3) is postmaster at one of our domains; a domain literal is never ours.
     */
    RecipientDecision resolve(String address, boolean mayRelay, long declaredSize) {
        if (address.equalsIgnoreCase("postmaster")) return postmaster();
        RecipientDecision bounce = srs(address);
        if (bounce != null) return bounce;
        String domain = domainOf(address);
        Recipient r = domain.startsWith("[") ? new Recipient.NotLocal(domain) : directory.resolve(address);
        return switch (r) {
            case Recipient.Deliverable d -> {
                if (d.forwards().isEmpty() && d.accounts().size() == 1
                        && d.accounts().get(0).wouldExceedQuota(Math.max(1, declaredSize))) {
                    yield new Refuse(Refusal.MAILBOX_FULL);
                }
                yield new Accept(d.accounts(), d.forwards(), true);
            }
            case Recipient.UnknownUser u -> new Refuse(Refusal.UNKNOWN_USER);
            case Recipient.Invalid i -> directory.hostsDomain(domain) ? new Refuse(Refusal.UNKNOWN_USER)
                    : relay(address, mayRelay, Refusal.INVALID);
            case Recipient.NotLocal n -> relay(address, mayRelay, Refusal.RELAY_DENIED);
        };
    }

    /**
     * An SRS address of ours: a bounce (or reply) to a sender whose mail we forwarded goes on to that
     * sender, as a forward; one we did not sign, or signed too long ago, is refused. Null for an
     * ordinary address.
     */
    private RecipientDecision srs(String address) {
        return switch (forwarding.get().reverse(address)) {
            case SrsReversal.NotSrs n -> null;
            case SrsReversal.Valid v -> new Accept(List.of(), List.of(v.original()), true);
            case SrsReversal.Forged f -> new Refuse(Refusal.SRS_FORGED);
            case SrsReversal.Malformed m -> new Refuse(Refusal.SRS_FORGED);
            case SrsReversal.Expired e -> new Refuse(Refusal.SRS_EXPIRED);
        };
    }

    private static RecipientDecision relay(String address, boolean mayRelay, Refusal otherwise) {
        if (otherwise == Refusal.INVALID && !address.contains("@")) return new Refuse(Refusal.INVALID);
        return mayRelay ? new Accept(List.of(), List.of(address)) : new Refuse(Refusal.RELAY_DENIED);
    }

    private RecipientDecision postmaster() {
        for (Domain d : directory.domains()) {
            if (directory.resolve("postmaster@" + d.name()) instanceof Recipient.Deliverable del) {
                return new Accept(del.accounts(), del.forwards(), true);
            }
        }
        return new Refuse(Refusal.UNKNOWN_USER);
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
