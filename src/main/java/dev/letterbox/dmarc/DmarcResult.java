package dev.letterbox.dmarc;

import java.util.Locale;
import java.util.Optional;

/**
 * The DMARC verdict on one author domain (RFC 7489 §6.6.2), with what Authentication-Results
 * (RFC 8601) and the aggregate report need.
 *
 * @param result       pass, fail, none (no policy), temperror (the policy could not be looked up,
 *                     or an aligned identifier's check failed temporarily), permerror (an unusable
 *                     record or From field)
 * @param disposition  what to do with the message: the policy ({@code p}, or {@code sp} for a
 *                     subdomain) when it failed, one step less strict when the {@code pct} sample
 *                     left it out; {@code NONE} for every other result, temperror included
 * @param fromDomain   the RFC5322.From domain (A-label, lower case), "" when the message has none
 * @param record       the policy record found
 * @param policyDomain where it was found: the From domain or its organizational domain ("" when none)
 * @param reason       one line for the log, saying why
 * @param dkimAligned  a DKIM signature passed with a d= aligned with the From domain
 * @param spfAligned   SPF passed for a domain aligned with the From domain
 * @param sampledOut   it failed, and the {@code pct} sample left it out of the policy (report reason "sampled_out")
 */
public record DmarcResult(Result result, Disposition disposition, String fromDomain, Optional<DmarcRecord> record,
                          String policyDomain, String reason, boolean dkimAligned, boolean spfAligned, boolean sampledOut) {

    /** RFC 8601 §2.7.7 results. Declared from the least to the most telling, to pick one of several. */
    public enum Result {
        PASS, NONE, PERMERROR, TEMPERROR, FAIL;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static DmarcResult without(Result result, Disposition disposition, String fromDomain, String reason) {
        return new DmarcResult(result, disposition, fromDomain, Optional.empty(), "", reason, false, false, false);
    }

    /** The policy that applies to the From domain: {@code sp} (or {@code p}) for a subdomain of the policy domain. */
    public Optional<Disposition> appliedPolicy() {
        return record.map(r -> policyDomain.equals(fromDomain) ? r.p() : r.subdomainPolicy());
    }

    /**
     * This result as an Authentication-Results resinfo (RFC 8601 §2.2, RFC 7489 §11.2), e.g.
     * {@code dmarc=fail (p=reject dis=reject) header.from=example.com}.
     */
    public String authenticationResult() {
        StringBuilder sb = new StringBuilder("dmarc=").append(result.token());
        appliedPolicy().ifPresent(p -> sb.append(" (p=").append(p.token()).append(" dis=").append(disposition.token()).append(')'));
        if (!fromDomain.isEmpty()) sb.append(" header.from=").append(fromDomain);
        return sb.toString();
    }
}
