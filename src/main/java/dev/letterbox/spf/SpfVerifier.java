package dev.letterbox.spf;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.letterbox.dns.DnsResolver;
import java.net.IDN;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * SPF checks of the HELO and MAIL FROM identities (RFC 7208 §2.3, §2.4). Thread-safe and cheap to
 * build; each check runs under its own deadline ({@code timeLimit}, §4.6.4: "at least 20
 * seconds" is the RFC's advice; the caller's [dns] timeout is the better bound on an SMTP session),
 * and past it every lookup fails, giving temperror. Never throws: DNS trouble is temperror, a
 * broken policy permerror.
 *
 * <p>Keep one verifier for many messages: it remembers the records it parsed, by their text, so a
 * record answered from the DNS cache is not parsed again (see {@link #PARSED_TEXT_CHARS}).
 */
public final class SpfVerifier {
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(20);
    private static final Logger LOG = Logger.getLogger(SpfVerifier.class.getName());
    /** Parsed records remembered, weighed by the length of their text: the busiest senders' records fit many times over. */
    static final long PARSED_TEXT_CHARS = 1 << 20;

    private final DnsResolver dns;
    private final String receiver;
    private final Duration timeLimit;
    private final Clock clock;
    private final Cache<String, SpfRecord> parsed = CacheBuilder.newBuilder().maximumWeight(PARSED_TEXT_CHARS)
            .weigher((String text, SpfRecord record) -> text.length()).build();

    /** {@code receivingHostname}: ours, for %{r} and Received-SPF's receiver=. */
    public SpfVerifier(DnsResolver dns, String receivingHostname) {
        this(dns, receivingHostname, DEFAULT_TIME_LIMIT, Clock.systemUTC());
    }

    /** {@code clock}: the time %{t} expands to. */
    public SpfVerifier(DnsResolver dns, String receivingHostname, Duration timeLimit, Clock clock) {
        this.dns = dns;
        this.receiver = receivingHostname;
        this.timeLimit = timeLimit;
        this.clock = clock;
    }

    /**
     * §2.3: the HELO identity, checked as "postmaster@" + {@code helo}. A HELO that is no fully
     * qualified domain (an address literal, one label) gives none.
     */
    public SpfResult checkHelo(InetAddress client, String helo) {
        String domain = asciiDomain(helo);
        return run(SpfResult.Identity.HELO, client, "postmaster", domain, helo);
    }

    /**
     * §2.4: the MAIL FROM identity. {@code mailFrom} is the reverse-path without angle brackets,
     * "" for the null sender, which is then checked as "postmaster@" + {@code helo}. A missing
     * local-part becomes "postmaster" (§4.3).
     */
    public SpfResult checkMailFrom(InetAddress client, String helo, String mailFrom) {
        if (mailFrom == null || mailFrom.isEmpty()) return run(SpfResult.Identity.MAILFROM, client, "postmaster", asciiDomain(helo), helo);
        int at = mailFrom.lastIndexOf('@');
        String local = at < 0 ? "postmaster" : mailFrom.substring(0, at);
        String domain = asciiDomain(at < 0 ? mailFrom : mailFrom.substring(at + 1));
        return run(SpfResult.Identity.MAILFROM, client, local.isEmpty() ? "postmaster" : local, domain, helo);
    }

    private SpfResult run(SpfResult.Identity identity, InetAddress client, String local, String domain, String helo) {
        String sender = local + "@" + domain;
        CheckHost check = new CheckHost(dns.within(timeLimit), client, local, domain, helo == null ? "" : helo,
                receiver, clock.instant(), parsed);
        try {
            CheckHost.Verdict verdict = check.check(domain);
            return new SpfResult(verdict.result(), identity, domain, sender, check.explanation(verdict), verdict.mechanism());
        } catch (SpfException e) {
            return new SpfResult(e.result(), identity, domain, sender, Optional.empty(), e.getMessage());
        } catch (RuntimeException e) {
            // A defect of ours must not fail the SMTP session; temperror defers instead of judging.
            LOG.log(Level.WARNING, "SPF check of " + MacroString.printable(domain) + " failed", e);
            return new SpfResult(SpfResult.Result.TEMPERROR, identity, domain, sender, Optional.empty(), "internal error");
        }
    }

    /**
     * §4.3: internationalized names are checked as A-labels; a final dot is dropped. A name IDNA
     * refuses stays as it is and fails the domain check later (none).
     */
    private static String asciiDomain(String name) {
        if (name == null) return "";
        String domain = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        for (int i = 0; i < domain.length(); i++) {
            if (domain.charAt(i) >= 0x80) {
                try {
                    return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
                } catch (IllegalArgumentException e) {
                    return domain;
                }
            }
        }
        return domain;
    }
}
