package dev.letterbox.delivery;

import dev.letterbox.auth.Directory;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailboxGrants;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Submission's "send on behalf" (as Exchange users know it, next to "send as"): a user that another
 * account lets send on its behalf may write that account's address in From: of mail it submits
 * under its own envelope sender. The recipients then see who really sent it in Sender: (RFC 5322
 * §3.6.2): the server adds {@code Sender: <the user's address>} when the message has no Sender:,
 * and refuses it (5.7.1) when its Sender: is not one of the user's own addresses. A From: of the
 * user's own, or of an account it may send as, is left alone, as is (for now) any other From:.
 */
public final class SendOnBehalf implements Check {
    private final Directory directory;
    private final MailboxGrants grants;

    public SendOnBehalf(Directory directory, MailboxGrants grants) {
        this.directory = directory;
        this.grants = grants;
    }

    @Override
    public Run start(Envelope envelope, Recipients recipients) {
        if (envelope.origin() != Envelope.Origin.SUBMISSION || envelope.submitter().isEmpty()) return null;
        Account user = envelope.submitter().get();
        List<Account> owners = grants.sendOnBehalfOwners(user.id());
        if (owners.isEmpty()) return null; // nobody lets this user send on its behalf: nothing to check
        return new Run() {
            private List<String> from = List.of();
            private String sender; // the Sender: field's value, null when there is none

            @Override
            public void header(byte[] bytes, int end) {
                if (end < 0) return; // a header section too long to end: no field of it is trusted
                HeaderFields.each(bytes, end, (name, value) -> {
                    if (name.equals("from") && from.isEmpty()) from = VacationReply.addresses(VacationReply.utf8(value));
                    if (name.equals("sender") && sender == null) sender = value;
                });
            }

            @Override
            public Verdict finish(SpooledMessage message) {
                Set<String> own = lower(directory.addressesOf(user));
                Set<String> mayUse = lower(directory.sendableAddressesOf(user, grants.sendAsOwners(user.id())));
                Set<String> onBehalf = new HashSet<>();
                for (Account owner : owners) if (owner.enabled()) onBehalf.addAll(lower(directory.addressesOf(owner)));
                boolean forOwner = false;
                for (String address : from) {
                    if (mayUse.contains(untagged(address))) continue;
                    if (onBehalf.contains(untagged(address))) forOwner = true;
                }
                if (!forOwner) return Verdict.accept(List.of());
                if (sender == null) return Verdict.accept(List.of("Sender: " + user.address() + "\r\n"));
                List<String> named = VacationReply.addresses(VacationReply.utf8(sender));
                if (named.size() == 1 && own.contains(untagged(named.get(0)))) return Verdict.accept(List.of());
                return Verdict.reject("5.7.1", "Sender: must be your own address when From: names another you send for");
            }
        };
    }

    private static Set<String> lower(List<String> addresses) {
        Set<String> out = new HashSet<>();
        for (String a : addresses) out.add(a.toLowerCase(Locale.ROOT));
        return out;
    }

    /** "user+tag@example.com" as "user@example.com": a tag does not make an address someone else's. */
    private static String untagged(String address) {
        int at = address.lastIndexOf('@');
        int plus = address.indexOf('+');
        return plus > 0 && plus < at ? address.substring(0, plus) + address.substring(at) : address;
    }
}
