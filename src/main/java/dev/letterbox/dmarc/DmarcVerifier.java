package dev.letterbox.dmarc;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.letterbox.dns.DnsResolver;
import dev.letterbox.dns.Lookup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * DMARC evaluation (RFC 7489 §6.6): finds the author domain's policy in DNS, checks whether a
 * passing SPF or DKIM identifier is aligned with it, and applies the policy with its sampling.
 * SPF and DKIM are done elsewhere; their results come in as {@link SpfInput} and {@link DkimInput}.
 *
 * <p>Thread-safe when the random generator is. Work is bounded: two TXT lookups per author domain
 * (each bounded by the resolver's timeout), at most {@link #MAX_AUTHOR_DOMAINS} author domains.
 *
 * <p>A verifier remembers the records it parsed, by their text, so a policy answered from the DNS
 * cache is not parsed again for each message: keep one, and give each message its own
 * time-bounded resolver with {@link #using}.
 */
public final class DmarcVerifier {
    /** More distinct domains in one From field than real mail ever has. */
    static final int MAX_AUTHOR_DOMAINS = 5;
    /** More records than this at one name are not all read: two already end discovery. */
    private static final int MAX_RECORDS_READ = 20;
    /** Parsed records remembered, weighed by the length of their text. */
    static final long PARSED_TEXT_CHARS = 1 << 20;

    private final DnsResolver dns;
    private final OrganizationalDomain psl;
    private final RandomGenerator pct;
    private final Cache<String, DmarcRecord.Parsed> parsed;

    /** {@code pct} draws the {@code pct=} samples: a seeded generator makes them repeatable in tests. */
    public DmarcVerifier(DnsResolver dns, OrganizationalDomain psl, RandomGenerator pct) {
        this(dns, psl, pct, CacheBuilder.newBuilder().maximumWeight(PARSED_TEXT_CHARS)
                .weigher((String text, DmarcRecord.Parsed record) -> text.length()).build());
    }

    private DmarcVerifier(DnsResolver dns, OrganizationalDomain psl, RandomGenerator pct,
                          Cache<String, DmarcRecord.Parsed> parsed) {
        this.dns = dns;
        this.psl = psl;
        this.pct = pct;
        this.parsed = parsed;
    }

    /** This verifier asking {@code dns} instead (a view bounded in time for one message), remembering the same records. */
    public DmarcVerifier using(DnsResolver dns) {
        return new DmarcVerifier(dns, psl, pct, parsed);
    }

    /**
     * Evaluates a message by its From field (RFC 7489 §6.6.1):
     * <ul>
     *   <li>no From field: none (there is no author domain to check);</li>
     *   <li>several From fields: permerror with disposition reject — RFC 5322 allows one, RFC 7489
     *       §6.6.1 says such mail is typically rejected, and a reader may show either sender;</li>
     *   <li>a From field without a usable domain: permerror, disposition none;</li>
     *   <li>several mailboxes: each distinct domain is checked and the strictest failing policy
     *       applies, as §6.6.1 says; more than {@link #MAX_AUTHOR_DOMAINS} domains is a permerror
     *       with disposition reject;</li>
     *   <li>one domain: {@link #evaluate(String, SpfInput, List)}.</li>
     * </ul>
     */
    public Evaluation evaluate(Author author, SpfInput spf, List<DkimInput> dkim) {
        return switch (author) {
            case Author.Missing m -> new Evaluation(DmarcResult.without(DmarcResult.Result.NONE, Disposition.NONE, "",
                    "no From field"), List.of());
            case Author.SeveralFields s -> new Evaluation(DmarcResult.without(DmarcResult.Result.PERMERROR, Disposition.REJECT, "",
                    s.count() + " From fields (RFC 5322 allows one)"), List.of());
            case Author.Unusable u -> new Evaluation(DmarcResult.without(DmarcResult.Result.PERMERROR, Disposition.NONE, "",
                    u.why()), List.of());
            case Author.Domains d when d.domains().size() > MAX_AUTHOR_DOMAINS ->
                    new Evaluation(DmarcResult.without(DmarcResult.Result.PERMERROR, Disposition.REJECT, d.domains().get(0),
                            d.domains().size() + " author domains in From"), List.of());
            case Author.Domains d -> {
                List<DmarcResult> each = new ArrayList<>();
                for (String domain : d.domains()) each.add(evaluate(domain, spf, dkim));
                yield new Evaluation(decisive(each), each);
            }
        };
    }

    /**
     * The result that speaks for several author domains: the failure with the strictest
     * disposition, else a temporary error, else a permanent one, else none, else pass.
     */
    static DmarcResult decisive(List<DmarcResult> results) {
        DmarcResult worst = results.getFirst();
        for (DmarcResult r : results) {
            if (DECISIVENESS.compare(r, worst) > 0) worst = r;
        }
        return worst;
    }

    private static final Comparator<DmarcResult> DECISIVENESS =
            Comparator.comparing(DmarcResult::result).thenComparing(DmarcResult::disposition);

    /** Evaluates one author domain (RFC 7489 §6.6.2 steps 3 to 5, §6.6.4). */
    public DmarcResult evaluate(String fromDomain, SpfInput spf, List<DkimInput> dkim) {
        Optional<String> normalised = DomainNames.ascii(fromDomain);
        if (normalised.isEmpty()) {
            return DmarcResult.without(DmarcResult.Result.PERMERROR, Disposition.NONE, "", "From domain is not a domain name");
        }
        String from = normalised.get();
        return switch (discover(from)) {
            case Discovery.TempError t -> DmarcResult.without(DmarcResult.Result.TEMPERROR, Disposition.NONE, from, t.why());
            case Discovery.NoPolicy n -> DmarcResult.without(DmarcResult.Result.NONE, Disposition.NONE, from, n.why());
            case Discovery.Unusable u -> new DmarcResult(DmarcResult.Result.PERMERROR, Disposition.NONE, from, Optional.empty(),
                    u.policyDomain(), u.why(), false, false, false);
            case Discovery.Found f -> apply(from, f.record(), f.policyDomain(), spf, dkim);
        };
    }

    private DmarcResult apply(String from, DmarcRecord record, String policyDomain, SpfInput spf, List<DkimInput> dkim) {
        boolean dkimAligned = false;
        boolean dkimAlignedTemp = false;
        for (DkimInput sig : dkim) {
            if (!aligned(sig.domain(), from, record.adkim())) continue;
            if (sig.result() == DkimInput.Result.PASS) dkimAligned = true;
            if (sig.result() == DkimInput.Result.TEMPERROR) dkimAlignedTemp = true;
        }
        boolean spfAlignedDomain = aligned(spf.domain(), from, record.aspf());
        boolean spfAligned = spfAlignedDomain && spf.result() == SpfInput.Result.PASS;
        boolean spfAlignedTemp = spfAlignedDomain && spf.result() == SpfInput.Result.TEMPERROR;
        Disposition policy = policyDomain.equals(from) ? record.p() : record.subdomainPolicy();
        String where = "policy of " + policyDomain + (record.pNoneStandIn() ? " (no valid p: p=none)" : "");

        if (dkimAligned || spfAligned) {
            String by = dkimAligned && spfAligned ? "DKIM and SPF" : dkimAligned ? "DKIM" : "SPF";
            return new DmarcResult(DmarcResult.Result.PASS, Disposition.NONE, from, Optional.of(record), policyDomain,
                    "aligned " + by + " pass, " + where, dkimAligned, spfAligned, false);
        }
        if (dkimAlignedTemp || spfAlignedTemp) {
            // The identifier that could have passed could not be checked: failing the message on a
            // DNS hiccup would turn a temporary error into a rejection.
            return new DmarcResult(DmarcResult.Result.TEMPERROR, Disposition.NONE, from, Optional.of(record), policyDomain,
                    "an aligned " + (dkimAlignedTemp ? "DKIM" : "SPF") + " check failed temporarily, " + where,
                    false, false, false);
        }
        boolean sampled = record.pct() >= 100 || (record.pct() > 0 && pct.nextInt(100) < record.pct());
        boolean sampledOut = !sampled && policy != Disposition.NONE;
        Disposition disposition = sampled ? policy : policy.oneLessStrict();
        return new DmarcResult(DmarcResult.Result.FAIL, disposition, from, Optional.of(record), policyDomain,
                "no aligned DKIM or SPF pass, " + where + (sampledOut ? ", sampled out at pct=" + record.pct() : ""),
                false, false, sampledOut);
    }

    /**
     * Identifier alignment (RFC 7489 §3.1): strict is the same name; relaxed is the same
     * organizational domain. An empty or unusable identifier aligns with nothing.
     */
    boolean aligned(String identifier, String from, DmarcRecord.Alignment mode) {
        Optional<String> id = DomainNames.ascii(identifier);
        if (id.isEmpty()) return false;
        return mode == DmarcRecord.Alignment.STRICT ? id.get().equals(from) : psl.of(id.get()).equals(psl.of(from));
    }

    /** Policy discovery's outcome (RFC 7489 §6.6.3). */
    sealed interface Discovery {
        record Found(DmarcRecord record, String policyDomain) implements Discovery {}

        /** No record, or several: DMARC does not apply. */
        record NoPolicy(String why) implements Discovery {}

        /** One record, not usable. */
        record Unusable(String policyDomain, String why) implements Discovery {}

        record TempError(String why) implements Discovery {}
    }

    /**
     * §6.6.3: the record at {@code _dmarc.<from>}, else at {@code _dmarc.<organizational domain>};
     * non-DMARC TXT records are discarded first; several DMARC records end discovery with none. A
     * temporary DNS failure is a temperror, never "no policy": a policy may be there.
     */
    Discovery discover(String from) {
        Lookup<String> atAuthor = dns.txt("_dmarc." + from);
        if (atAuthor instanceof Lookup.TempFail<String> t) return new Discovery.TempError(t.reason());
        List<DmarcRecord.Parsed> records = dmarcRecords(atAuthor);
        String policyDomain = from;
        if (records.isEmpty()) {
            String org = psl.of(from);
            if (org.equals(from)) return new Discovery.NoPolicy("no DMARC record for " + from);
            Lookup<String> atOrg = dns.txt("_dmarc." + org);
            if (atOrg instanceof Lookup.TempFail<String> t) return new Discovery.TempError(t.reason());
            records = dmarcRecords(atOrg);
            policyDomain = org;
            if (records.isEmpty()) return new Discovery.NoPolicy("no DMARC record for " + from + " or " + org);
        }
        if (records.size() > 1) return new Discovery.NoPolicy(records.size() + " DMARC records for " + policyDomain);
        return switch (records.get(0)) {
            case DmarcRecord.Valid v -> new Discovery.Found(v.record(), policyDomain);
            case DmarcRecord.Invalid i -> new Discovery.Unusable(policyDomain, "DMARC record of " + policyDomain + ": " + i.why());
            case DmarcRecord.NotDmarc n -> throw new IllegalStateException("discarded above");
        };
    }

    private List<DmarcRecord.Parsed> dmarcRecords(Lookup<String> lookup) {
        List<DmarcRecord.Parsed> out = new ArrayList<>();
        if (!(lookup instanceof Lookup.Found<String> found)) return out;
        for (String txt : found.records().subList(0, Math.min(found.records().size(), MAX_RECORDS_READ))) {
            DmarcRecord.Parsed p = parsed.getIfPresent(txt);
            if (p == null) {
                p = DmarcRecord.parse(txt);
                parsed.put(txt, p);
            }
            if (!(p instanceof DmarcRecord.NotDmarc)) out.add(p);
        }
        return out;
    }
}
