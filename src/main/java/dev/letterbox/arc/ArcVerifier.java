package dev.letterbox.arc;

import dev.letterbox.dkim.BodyHashes;
import dev.letterbox.dkim.KeyLookups;
import dev.letterbox.dkim.MessageHeader;
import dev.letterbox.dns.DnsResolver;
import java.time.Clock;

/**
 * ARC chain validation (RFC 8617 §5.2) for incoming mail, shared by all sessions. Used like the
 * DKIM verifier and on the same {@link BodyHashes}, so the body is read once for both:
 *
 * <pre>{@code
 * ArcVerification arc = arcVerifier.start(header, body);   // before the body streams
 * ... body.update(...) ...
 * ArcResult result = arc.finish(deadline);
 * }</pre>
 */
public final class ArcVerifier {
    private final DnsResolver dns;
    private final Clock clock;

    public ArcVerifier(DnsResolver dns, Clock clock) {
        this.dns = dns;
        this.clock = clock;
    }

    public ArcVerifier(DnsResolver dns) {
        this(dns, Clock.systemUTC());
    }

    /**
     * Begins validating one message's chain: checks its form, asks {@code body} for the body
     * hashes its ARC-Message-Signatures need and starts the key lookups. Call before the body streams.
     */
    public ArcVerification start(MessageHeader header, BodyHashes body) {
        return new ArcVerification(header, body, new KeyLookups(dns, clock), clock);
    }
}
