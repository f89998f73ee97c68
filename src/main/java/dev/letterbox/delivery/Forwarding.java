package dev.letterbox.delivery;

import dev.letterbox.srs.Srs;
import dev.letterbox.srs.SrsReversal;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How mail for addresses of ours is passed on to other servers: the envelope sender a forwarded
 * copy leaves with, the bounces to our SRS addresses that go back to the original sender, and the
 * limits against loops. One per pipeline; thread-safe.
 *
 * <p>The sender: the null sender stays null (a bounce is never answered). A sender in one of our
 * own domains (or at the SRS domain) is kept: our SPF record already lets us send for it, so the
 * next server's SPF check passes, and its bounces come straight back to us. Any other sender is
 * rewritten with SRS so that SPF at the next server checks our domain, not the original sender's
 * (which does not list us), and a bounce comes back to us to be passed on.
 */
public final class Forwarding {
    /** No SRS: forwarded copies keep their sender. Loop limits as the defaults. */
    public static final Forwarding NONE = new Forwarding(Optional.empty(), d -> false, 50);

    private final Optional<Srs> srs;
    private final Predicate<String> ownDomain;
    private final int maxHops;

    /**
     * @param srs          the rewriting, or empty to keep senders as they are
     * @param ownDomain    whether a (lower-case) domain is hosted here
     * @param maxHops      a message with more Received fields than this is not forwarded
     */
    public Forwarding(Optional<Srs> srs, Predicate<String> ownDomain, int maxHops) {
        this.srs = srs;
        this.ownDomain = ownDomain;
        this.maxHops = maxHops;
    }

    /** The envelope sender of a copy of mail from {@code sender} that we forward; see the class comment. */
    public String sender(String sender) {
        if (sender.isEmpty() || srs.isEmpty()) return sender;
        int at = sender.lastIndexOf('@');
        if (at < 0 || ownDomain.test(sender.substring(at + 1).toLowerCase(Locale.ROOT))) return sender;
        return srs.get().forward(sender);
    }

    /** What a recipient address is to SRS: one of our SRS addresses (valid, forged, expired) or an ordinary one. */
    public SrsReversal reverse(String address) {
        return srs.map(s -> s.reverse(address)).orElseGet(SrsReversal.NotSrs::new);
    }

    /**
     * Where a delivery report for {@code sender} goes: the original sender when {@code sender} is a
     * valid SRS address of ours (a copy we forwarded failed), else {@code sender} itself.
     */
    public String reportAddress(String sender) {
        return reverse(sender) instanceof SrsReversal.Valid v ? v.original() : sender;
    }

    /**
     * Why a message with {@code signs} must not be forwarded again for {@code forwardedFor}, or empty
     * when it may be: too many hops, or it has passed through this address before.
     */
    Optional<String> loop(LoopSigns signs, String forwardedFor) {
        if (signs.received() > maxHops) {
            return Optional.of("mail forwarding loop: the message has passed " + signs.received()
                    + " servers, more than " + maxHops);
        }
        if (signs.names(forwardedFor)) {
            return Optional.of("mail forwarding loop: the message was forwarded for " + LoopSigns.bare(forwardedFor) + " before");
        }
        return Optional.empty();
    }
}
