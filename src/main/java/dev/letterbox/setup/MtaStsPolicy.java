package dev.letterbox.setup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The MTA-STS policy of RFC 8461: which MX hosts senders must reach over verified TLS, and for how
 * long to remember that. One policy serves every hosted domain, since they all share this server as
 * their MX. Served at {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt}; its DNS record
 * {@code _mta-sts.DOMAIN TXT "v=STSv1; id=..."} carries {@link #id()}.
 *
 * @param mode testing, enforce or none (RFC 8461 §5)
 */
public record MtaStsPolicy(String mode, List<String> mxHosts, Duration maxAge) {
    public static final String PATH = "/.well-known/mta-sts.txt";

    public MtaStsPolicy {
        if (!List.of("testing", "enforce", "none").contains(mode)) throw new IllegalArgumentException("mode " + mode);
        mxHosts = List.copyOf(mxHosts);
    }

    public static MtaStsPolicy of(String mode, String mxHost, Duration maxAge) {
        return new MtaStsPolicy(mode, List.of(mxHost), maxAge);
    }

    /** The policy file: "key: value" lines ending in CRLF (RFC 8461 §3.2). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("version: STSv1\r\n");
        sb.append("mode: ").append(mode).append("\r\n");
        for (String mx : mxHosts) sb.append("mx: ").append(mx).append("\r\n");
        sb.append("max_age: ").append(maxAge.toSeconds()).append("\r\n");
        return sb.toString();
    }

    /**
     * The policy id for the DNS record (1 to 32 letters and digits, RFC 8461 §3.1): the first 80
     * bits of the text's SHA-256, so a changed policy gets a new id and senders fetch it again.
     */
    public String id() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text().getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(hash, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
