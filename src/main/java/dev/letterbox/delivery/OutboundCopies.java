package dev.letterbox.delivery;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.store.QueuedMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What of one message leaves through the queue, split by the envelope sender it leaves with:
 * relayed recipients (named by the sender in other domains) keep the sender; forwarded copies (for
 * addresses of ours that pass mail on) get {@link Forwarding#sender} and a Delivered-To field per
 * forwarding address. A forward whose message has looped is left out and becomes a failure to
 * report instead (550 5.4.6).
 *
 * @param relayed       queue recipients that keep the envelope sender
 * @param forwarded     queue recipients of forwarded copies
 * @param forwardSender the envelope sender of the forwarded copies
 * @param forwardedFor  the addresses of ours the copies are forwarded for (one Delivered-To each)
 * @param loops         forwarding addresses refused as loops, as failed recipients to report
 * @param loopText      why the first of them was refused; empty when none was
 */
record OutboundCopies(List<QueuedMessage.NewRecipient> relayed, List<QueuedMessage.NewRecipient> forwarded,
                      String forwardSender, List<String> forwardedFor, List<QueuedMessage.NewRecipient> loops,
                      Optional<String> loopText) {
    private static final System.Logger LOG = System.getLogger("letterbox.delivery");

    /**
     * Splits the message's outbound recipients. {@code signs} is read only when something is forwarded.
     *
     * @param signs the header's loop signs, asked for only when there is a forward
     */
    static OutboundCopies plan(List<QueuedMessage.NewRecipient> relayed, List<Recipients.Forward> forwards,
                               Forwarding forwarding, String sender, java.util.function.Supplier<LoopSigns> signs,
                               String logContext) {
        Map<String, QueuedMessage.NewRecipient> forwarded = new LinkedHashMap<>();
        Set<String> forwardedFor = new LinkedHashSet<>();
        List<QueuedMessage.NewRecipient> loops = new ArrayList<>();
        Optional<String> loopText = Optional.empty();
        LoopSigns header = forwards.isEmpty() ? LoopSigns.NONE : signs.get();
        for (Recipients.Forward f : forwards) {
            Optional<String> loop = forwarding.loop(header, f.forwardedFor());
            if (loop.isPresent()) {
                LOG.log(INFO, "{0}: not forwarded for {1}: {2}", logContext, f.forwardedFor(), loop.get());
                loops.add(new QueuedMessage.NewRecipient(f.forwardedFor(), f.notifyOn(), f.orcpt(), QueuedMessage.State.FAILED,
                        Optional.of("550 5.4.6 " + loop.get())));
                if (loopText.isEmpty()) loopText = loop;
                continue;
            }
            forwardedFor.add(LoopSigns.bare(f.forwardedFor()));
            for (String t : f.targets()) forwarded.putIfAbsent(t, QueuedMessage.NewRecipient.pending(t, f.notifyOn(), f.orcpt()));
        }
        return new OutboundCopies(List.copyOf(relayed), List.copyOf(forwarded.values()), forwarding.sender(sender),
                List.copyOf(forwardedFor), List.copyOf(loops), loopText);
    }

    boolean sendsNothing() {
        return relayed.isEmpty() && forwarded.isEmpty();
    }

    /** The Delivered-To fields of the forwarded copy, one per address it is forwarded for (RFC 9228). */
    byte[] deliveredTo() {
        StringBuilder sb = new StringBuilder();
        for (String a : forwardedFor) sb.append("Delivered-To: ").append(a).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
