package dev.letterbox.dmarc;

import dev.letterbox.dns.DnsResolver;
import dev.letterbox.dns.Lookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which {@code rua} addresses may receive a domain's aggregate report (RFC 7489 §7.1). A mailbox in
 * the policy domain's own organizational domain always may. One elsewhere only when its domain
 * agrees to receive reports about the policy domain, by publishing a DMARC record at
 * {@code <policy-domain>._report._dmarc.<destination>}; a {@code rua} there replaces the address,
 * if it stays on the same host. Otherwise anyone could publish a record that sends a stranger
 * reports. Only {@code mailto:} URIs are used; at most {@link #MAX_DESTINATIONS}.
 */
final class ReportDestinations {
    /** §6.2: receivers may limit how many URIs they send to, but must send to two. */
    static final int MAX_DESTINATIONS = 5;

    private final DnsResolver dns;
    private final OrganizationalDomain psl;

    ReportDestinations(DnsResolver dns, OrganizationalDomain psl) {
        this.dns = dns;
        this.psl = psl;
    }

    /** A mailbox that may get the report, and the largest report it takes. */
    record Destination(String mailbox, OptionalLong maxBytes) {}

    /**
     * @param accepted   who may get the report
     * @param refused    the URIs left out and why, for the log
     * @param tempFailed some destination could not be verified for now (DNS trouble): worth another try
     */
    record Resolved(List<Destination> accepted, List<String> refused, boolean tempFailed) {}

    Resolved resolve(String policyDomain, List<String> ruaUris) {
        List<Destination> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        boolean tempFailed = false;
        for (String text : ruaUris) {
            if (accepted.size() >= MAX_DESTINATIONS) {
                refused.add(text + ": more than " + MAX_DESTINATIONS + " destinations");
                continue;
            }
            Optional<ReportUri> uri = ReportUri.parse(text);
            Optional<String> mailbox = uri.flatMap(ReportUri::mailbox);
            if (mailbox.isEmpty()) {
                refused.add(text + ": not a mailto: address");
                continue;
            }
            String host = uri.get().mailboxDomain().orElseThrow();
            if (psl.sameOrganization(host, policyDomain)) {
                add(accepted, new Destination(mailbox.get(), uri.get().maxBytes()));
                continue;
            }
            switch (verify(policyDomain, host)) {
                case Verified v -> {
                    if (v.replacements().isEmpty()) add(accepted, new Destination(mailbox.get(), uri.get().maxBytes()));
                    for (ReportUri r : v.replacements()) add(accepted, new Destination(r.mailbox().orElseThrow(), r.maxBytes()));
                }
                case NotAuthorized n -> refused.add(text + ": " + host + " does not accept reports for " + policyDomain);
                case Unknown u -> {
                    refused.add(text + ": " + u.why());
                    tempFailed = true;
                }
            }
        }
        return new Resolved(List.copyOf(accepted), List.copyOf(refused), tempFailed);
    }

    private static void add(List<Destination> accepted, Destination d) {
        if (accepted.size() < MAX_DESTINATIONS && accepted.stream().noneMatch(a -> a.mailbox().equalsIgnoreCase(d.mailbox()))) {
            accepted.add(d);
        }
    }

    private sealed interface Verification {}

    /** The destination agreed; its own mailto rua on the same host, if any, replace the address. */
    private record Verified(List<ReportUri> replacements) implements Verification {}

    private record NotAuthorized() implements Verification {}

    private record Unknown(String why) implements Verification {}

    /** §7.1 steps 1 to 8. */
    private Verification verify(String policyDomain, String host) {
        Lookup<String> answer = dns.txt(policyDomain + "._report._dmarc." + host);
        if (answer instanceof Lookup.TempFail<String> t) return new Unknown(t.reason());
        if (!(answer instanceof Lookup.Found<String> found)) return new NotAuthorized();
        boolean agreed = false;
        List<ReportUri> replacements = new ArrayList<>();
        for (String txt : found.records()) {
            DmarcRecord.Parsed parsed = DmarcRecord.parse(txt);
            if (parsed instanceof DmarcRecord.NotDmarc) continue;
            agreed = true;
            if (parsed instanceof DmarcRecord.Valid v) {
                for (ReportUri r : v.record().rua()) {
                    // A replacement elsewhere would let the destination point reports at a third party.
                    if (r.mailboxDomain().filter(host::equals).isPresent()) replacements.add(r);
                }
            }
        }
        return agreed ? new Verified(replacements) : new NotAuthorized();
    }
}
