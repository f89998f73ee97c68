package dev.letterbox.dkim;

import dev.letterbox.dns.DnsResolver;
import java.time.Clock;
import java.time.Duration;

/**
 * DKIM verification (RFC 6376 §6, RFC 8463, RFC 8301) for incoming mail, shared by all sessions.
 * Per message: {@link #start} with the header as soon as it has arrived (key lookups begin at once),
 * feed the body to the {@link BodyHashes} given to it, then {@link DkimVerification#finish}.
 *
 * <pre>{@code
 * BodyHashes body = new BodyHashes();
 * DkimVerification dkim = verifier.start(MessageHeader.parse(headerBytes), body);
 * ... body.update(chunk, 0, n) for every chunk of the body ...
 * DkimResults results = dkim.finish(deadline);
 * }</pre>
 */
public final class DkimVerifier {
    /** How many DKIM-Signature fields of one message are verified unless configured otherwise. */
    public static final int DEFAULT_MAX_SIGNATURES = 5;
    /** Tolerance for the signer's and our clock when judging t= and x=. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(15);

    private final DnsResolver dns;
    private final int maxSignatures;
    private final Clock clock;

    /**
     * @param maxSignatures how many DKIM-Signature fields per message are verified, from the top;
     *     the rest are counted in {@link DkimResults#notChecked()} and cost nothing
     */
    public DkimVerifier(DnsResolver dns, int maxSignatures, Clock clock) {
        if (maxSignatures < 1) throw new IllegalArgumentException("maxSignatures must be at least 1");
        this.dns = dns;
        this.maxSignatures = maxSignatures;
        this.clock = clock;
    }

    public DkimVerifier(DnsResolver dns) {
        this(dns, DEFAULT_MAX_SIGNATURES, Clock.systemUTC());
    }

    /**
     * Begins verifying one message: parses its DKIM-Signature fields, asks {@code body} for the
     * body hashes they need and starts their key lookups. Call before the body streams.
     */
    public DkimVerification start(MessageHeader header, BodyHashes body) {
        return new DkimVerification(header, body, new KeyLookups(dns, clock), maxSignatures, clock);
    }
}
