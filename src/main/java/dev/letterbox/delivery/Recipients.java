package dev.letterbox.delivery;

import dev.letterbox.store.Account;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.QueuedMessage.Notify;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The accepted recipients of one message, each as the sender wrote it with what it resolved to:
 * local accounts (each stored for once, however many of its addresses were named) and remote
 * addresses for the queue, plus the RFC 3461 NOTIFY and ORCPT each asked for.
 */
public final class Recipients {
    /** One accepted recipient: the address as written, what it resolved to, and its DSN requests. */
    record Entry(String written, List<Account> accounts, List<String> remote, Optional<Set<Notify>> notifyOn,
                 Optional<String> orcpt) {
        boolean wantsSuccessReport() {
            return notifyOn.map(n -> n.contains(Notify.SUCCESS)).orElse(false);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    /** Adds a recipient the resolver accepted. */
    public void add(String written, RecipientDecision.Accept accepted, Optional<Set<Notify>> notify, Optional<String> orcpt) {
        entries.add(new Entry(written, accepted.accounts(), accepted.remote(), notify, orcpt));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int count() {
        return entries.size();
    }

    /** Every recipient as the sender wrote it, in order. */
    public List<String> written() {
        return entries.stream().map(Entry::written).toList();
    }

    /** The first recipient, as written, that forwards to other servers (an alias of ours), if any. */
    public Optional<String> firstForwarding() {
        for (Entry e : entries) {
            if (!e.remote().isEmpty()) return Optional.of(e.written());
        }
        return Optional.empty();
    }

    /** The only recipient as written, for the Received field's "for" clause; null when there are several. */
    String single() {
        return entries.size() == 1 ? entries.get(0).written() : null;
    }

    List<Entry> entries() {
        return entries;
    }

    /** Every local account, once. */
    List<Account> accounts() {
        Map<Long, Account> all = new LinkedHashMap<>();
        for (Entry e : entries) {
            for (Account a : e.accounts()) all.putIfAbsent(a.id(), a);
        }
        return new ArrayList<>(all.values());
    }

    /** Every remote address, once, as a new queue recipient carrying the NOTIFY and ORCPT of the first that named it. */
    List<QueuedMessage.NewRecipient> remote() {
        Map<String, QueuedMessage.NewRecipient> all = new LinkedHashMap<>();
        for (Entry e : entries) {
            for (String r : e.remote()) all.putIfAbsent(r, QueuedMessage.NewRecipient.pending(r, e.notifyOn(), e.orcpt()));
        }
        return new ArrayList<>(all.values());
    }
}
