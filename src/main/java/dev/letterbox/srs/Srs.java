package dev.letterbox.srs;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Rewrites envelope senders for forwarding and reverses the rewritten addresses when bounces come
 * back. Forms (after the SRS paper; the separator after {@code SRS0}/{@code SRS1} may be {@code =},
 * {@code +} or {@code -} on input, we write {@code =}):
 * <pre>
 *   SRS0=HHHHHH=TT=orig.example=user@srs.domain              user@orig.example forwarded by us
 *   SRS1=HHHHHH=first.example==hhh=TT=orig.example=user@srs.domain
 *                                                            an SRS0 address of first.example forwarded again
 * </pre>
 * {@code TT} is the day (days since 1970, modulo 1024: ten bits, two base32 characters) and
 * {@code HHHHHH} an HMAC over what the address encodes. An SRS1 address keeps the first forwarder's
 * SRS0 part as it is (only that forwarder can check it) and its domain, so a bounce skips the hops
 * in between; forwarding an SRS1 address again makes a new SRS1 with the same first forwarder.
 *
 * <p>The hash: HMAC-SHA-256, truncated to 30 bits and written as six base32 characters. SHA-256
 * rather than libsrs2's SHA-1 because nothing needs to interoperate here — only we check our own
 * hashes, so the choice is free and SHA-256 needs no argument about SHA-1's age. Base32 rather
 * than base64 because a local part's case may be changed in transit: base64 compared without
 * regard to case loses about a bit per letter, base32 loses nothing. 30 bits make a forger's
 * chance per try one in a billion, and each try is a refused RCPT.
 *
 * <p>Secrets: the first signs, all are accepted, so a secret can be rotated: put the new one first,
 * drop the old one after the maximum age. Thread-safe.
 */
public final class Srs {
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final int HASH_CHARS = 6;
    private static final int DAY_SECONDS = 86_400;
    /** Ten bits of days: the timestamp wraps after 1024 days. */
    private static final int DAY_MASK = 1023;

    private final String domain;
    private final List<byte[]> secrets;
    private final int maxAgeDays;
    private final Clock clock;

    /**
     * @param domain     the domain of the addresses we write (where bounces come back to)
     * @param secrets    HMAC keys: the first signs, each is accepted; at least one
     * @param maxAgeDays how long an address we wrote stays valid (1 to 1000 days)
     */
    public Srs(String domain, List<byte[]> secrets, int maxAgeDays, Clock clock) {
        if (secrets.isEmpty()) throw new IllegalArgumentException("SRS needs at least one secret");
        if (maxAgeDays < 1 || maxAgeDays > 1000) throw new IllegalArgumentException("SRS maximum age must be 1 to 1000 days");
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.secrets = secrets.stream().map(byte[]::clone).toList();
        this.maxAgeDays = maxAgeDays;
        this.clock = clock;
    }

    public String domain() {
        return domain;
    }

    /**
     * The address to use as the envelope sender when forwarding mail from {@code sender}
     * ({@code local@domain}, not the null sender). Returned unchanged when it is at our SRS domain
     * already (an SRS address of ours, or the domain is ours), and when it cannot be encoded (no
     * {@code @}, a quoted local part).
     */
    public String forward(String sender) {
        int at = sender.lastIndexOf('@');
        if (at <= 0 || at == sender.length() - 1) return sender;
        String local = sender.substring(0, at);
        String senderDomain = sender.substring(at + 1);
        if (senderDomain.equalsIgnoreCase(domain) || local.startsWith("\"")) return sender;
        if (hasPrefix(local, "SRS1")) {
            // someone else's SRS1: keep its first forwarder and that forwarder's part, sign anew
            String[] parts = split(local.substring(5), 2);
            if (parts != null && !parts[2].isEmpty()) return srs1(parts[1], parts[2]);
        } else if (hasPrefix(local, "SRS0")) {
            // someone else's SRS0: wrap it whole, separator included, behind its forwarder's domain
            return srs1(senderDomain, local.substring(4));
        }
        String day = timestamp(today());
        return "SRS0=" + hash(day, senderDomain, local) + "=" + day + "=" + senderDomain + "=" + local + "@" + domain;
    }

    private String srs1(String firstForwarder, String opaque) {
        return "SRS1=" + hash(firstForwarder, opaque) + "=" + firstForwarder + "=" + opaque + "@" + domain;
    }

    /** What {@code address} is: an ordinary one, or an SRS address of ours (valid, forged, expired, malformed). */
    public SrsReversal reverse(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || !address.substring(at + 1).equalsIgnoreCase(domain)) return new SrsReversal.NotSrs();
        String local = address.substring(0, at);
        if (hasPrefix(local, "SRS0")) return reverseSrs0(local.substring(5));
        if (hasPrefix(local, "SRS1")) return reverseSrs1(local.substring(5));
        return new SrsReversal.NotSrs();
    }

    /** {@code HHHHHH=TT=domain=local}: the original sender is {@code local@domain}. */
    private SrsReversal reverseSrs0(String body) {
        String[] parts = split(body, 3);
        if (parts == null || parts[3].isEmpty()) return new SrsReversal.Malformed("an SRS0 address needs hash, time, domain and local part");
        String hash = parts[0], day = parts[1], origDomain = parts[2], origLocal = parts[3];
        if (!signedByUs(hash, day, origDomain, origLocal)) return new SrsReversal.Forged();
        int stamp = decodeTimestamp(day);
        if (stamp < 0) return new SrsReversal.Malformed("bad SRS timestamp " + day);
        int age = (today() - stamp) & DAY_MASK;
        // a day ahead is one node's clock past midnight before another's, not an old address
        if (age > maxAgeDays && age != DAY_MASK) return new SrsReversal.Expired(age);
        return new SrsReversal.Valid(origLocal + "@" + origDomain);
    }

    /** {@code HHHHHH=first.example=<sep>rest}: the bounce goes on to {@code SRS0<sep>rest@first.example}. */
    private SrsReversal reverseSrs1(String body) {
        String[] parts = split(body, 2);
        if (parts == null || parts[2].isEmpty()) return new SrsReversal.Malformed("an SRS1 address needs hash, domain and SRS0 part");
        if (!signedByUs(parts[0], parts[1], parts[2])) return new SrsReversal.Forged();
        return new SrsReversal.Valid("SRS0" + parts[2] + "@" + parts[1]);
    }

    /** {@code n} fields up to the n-th '=', then the rest (which may hold '='); null when fewer, or one is empty. */
    private static String[] split(String s, int n) {
        String[] out = new String[n + 1];
        int from = 0;
        for (int i = 0; i < n; i++) {
            int eq = s.indexOf('=', from);
            if (eq <= from) return null;
            out[i] = s.substring(from, eq);
            from = eq + 1;
        }
        out[n] = s.substring(from);
        return out;
    }

    /** {@code SRS0} or {@code SRS1} in any case, followed by one of the separators the convention allows. */
    private static boolean hasPrefix(String local, String tag) {
        if (local.length() < 6 || !local.regionMatches(true, 0, tag, 0, 4)) return false;
        char sep = local.charAt(4);
        return sep == '=' || sep == '+' || sep == '-';
    }

    private boolean signedByUs(String given, String... data) {
        if (given.length() != HASH_CHARS) return false;
        byte[] presented = given.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        for (byte[] secret : secrets) {
            // constant time, and every secret tried: the answer's timing tells nothing about the hash
            ok |= MessageDigest.isEqual(presented, hash(secret, data).getBytes(StandardCharsets.US_ASCII));
        }
        return ok;
    }

    /** The hash of {@code data} with the signing secret (package-private for tests that build addresses by hand). */
    String hash(String... data) {
        return hash(secrets.getFirst(), data);
    }

    /** HMAC-SHA-256 over the lower-cased fields (NUL between them: no field can hold one), first 30 bits in base32. */
    private static String hash(byte[] secret, String... data) {
        Mac mac;
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
        for (int i = 0; i < data.length; i++) {
            if (i > 0) mac.update((byte) 0);
            mac.update(data[i].toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        }
        byte[] d = mac.doFinal();
        int bits = ((d[0] & 0xff) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
        StringBuilder sb = new StringBuilder(HASH_CHARS);
        for (int i = 0; i < HASH_CHARS; i++) sb.append(BASE32.charAt((bits >>> (27 - 5 * i)) & 31));
        return sb.toString();
    }

    private int today() {
        return (int) (Math.floorDiv(clock.instant().getEpochSecond(), DAY_SECONDS) & DAY_MASK);
    }

    static String timestamp(int day) {
        return "" + BASE32.charAt((day >> 5) & 31) + BASE32.charAt(day & 31);
    }

    /** The day of a two-character timestamp, any case; -1 when it is not one. */
    static int decodeTimestamp(String s) {
        if (s.length() != 2) return -1;
        int hi = BASE32.indexOf(Character.toUpperCase(s.charAt(0)));
        int lo = BASE32.indexOf(Character.toUpperCase(s.charAt(1)));
        return hi < 0 || lo < 0 ? -1 : (hi << 5) | lo;
    }
}
