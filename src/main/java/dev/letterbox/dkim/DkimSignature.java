package dev.letterbox.dkim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One parsed signature field: a DKIM-Signature (RFC 6376 §3.5) or an ARC-Message-Signature, which
 * is the same thing without v= and with i= as the ARC instance (RFC 8617 §4.1.2). Parsing checks
 * everything that needs neither the key nor the body; {@link #verify} does the rest (§6.1.3).
 */
public final class DkimSignature {
    /** Which field this is: the tags differ in v= and i=. */
    public enum Kind { DKIM, ARC_MESSAGE }

    /** No legitimate signature comes near this; longer fields are refused unread. */
    static final int MAX_FIELD_LENGTH = 64 * 1024;
    /** An RSA-8192 signature is 1368 base64 characters. */
    static final int MAX_SIGNATURE_CHARS = 4096;
    /** RFC 8617 §4.2.1: at most 50 ARC sets. */
    public static final int MAX_ARC_INSTANCE = 50;

    private final String rawField;
    private final TagList tags;
    private final DkimAlgorithm algorithm;
    private final Canonicalization headerCanonicalization;
    private final Canonicalization bodyCanonicalization;
    private final String domain;
    private final String selector;
    private final String identity; // DKIM: i= or "@" + d; ARC: empty
    private final List<String> signedFields;
    private final byte[] bodyHash;
    private final byte[] signature;
    private final long bodyLength; // -1: no l=
    private final long timestamp; // -1: no t=
    private final long expiry; // -1: no x=

    private DkimSignature(String rawField, TagList tags, Kind kind) throws DkimException {
        this.rawField = rawField;
        this.tags = tags;
        if (kind == Kind.DKIM) {
            String v = tags.required("v");
            if (!v.equals("1")) throw DkimException.neutral("unsupported version v=" + v);
        } else {
            arcInstance(tags.required("i")); // which set it belongs to is the chain's business
        }
        String a = tags.required("a");
        if (a.equalsIgnoreCase("rsa-sha1")) throw DkimException.policy("rsa-sha1 is not accepted (RFC 8301)");
        algorithm = DkimAlgorithm.fromTag(a);
        if (algorithm == null) throw DkimException.neutral("unknown algorithm a=" + a);
        String b = TagList.squeeze(tags.required("b"));
        if (b.length() > MAX_SIGNATURE_CHARS) throw DkimException.neutral("b= is longer than " + MAX_SIGNATURE_CHARS + " characters");
        signature = base64(b, "b");
        bodyHash = base64(TagList.squeeze(tags.required("bh")), "bh");
        Canonicalization[] c = canonicalizations(tags.get("c"));
        headerCanonicalization = c[0];
        bodyCanonicalization = c[1];
        domain = tags.required("d");
        if (!validDomain(domain)) throw DkimException.neutral("d=" + domain + " is not a domain name");
        selector = tags.required("s");
        if (!validDomain(selector)) throw DkimException.neutral("s=" + selector + " is not a selector");
        signedFields = fieldNames(tags.required("h"), kind);
        identity = kind == Kind.DKIM ? identity(tags.get("i"), domain) : "";
        bodyLength = number(tags.get("l"), 76, "l");
        String q = tags.get("q");
        if (q != null && !listHas(q, "dns/txt")) throw DkimException.neutral("unsupported query method q=" + q);
        timestamp = number(tags.get("t"), 12, "t");
        expiry = number(tags.get("x"), 12, "x");
        if (expiry >= 0 && timestamp >= 0 && expiry <= timestamp) throw DkimException.neutral("x= is not after t=");
    }

    /** Parses one whole field (name, colon, value, folds as CRLF) of the given kind. */
    public static DkimSignature parse(String rawField, Kind kind) throws DkimException {
        return new DkimSignature(rawField, tags(rawField), kind);
    }

    /** The same, with the field's tag list already parsed by {@link #tags}. */
    static DkimSignature parse(String rawField, TagList tags, Kind kind) throws DkimException {
        return new DkimSignature(rawField, tags, kind);
    }

    /** The tag list of a signature field, bounded in length; for reporting even broken ones. */
    public static TagList tags(String rawField) throws DkimException {
        if (rawField.length() > MAX_FIELD_LENGTH) throw DkimException.neutral("signature field longer than " + MAX_FIELD_LENGTH + " characters");
        return TagList.parse(rawField, rawField.indexOf(':') + 1);
    }

    /** An ARC i= value: 1 to {@value #MAX_ARC_INSTANCE}, at most two digits. */
    public static int arcInstance(String i) throws DkimException {
        if (i == null || i.isEmpty() || i.length() > 2 || !i.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw DkimException.neutral("instance i=" + i + " is not a number from 1 to " + MAX_ARC_INSTANCE);
        }
        int n = Integer.parseInt(i);
        if (n < 1 || n > MAX_ARC_INSTANCE) throw DkimException.neutral("instance i=" + n + " is not from 1 to " + MAX_ARC_INSTANCE);
        return n;
    }

    private static byte[] base64(String value, String tag) throws DkimException {
        try {
            byte[] decoded = Base64.getDecoder().decode(value);
            if (decoded.length == 0) throw DkimException.neutral(tag + "= is empty");
            return decoded;
        } catch (IllegalArgumentException e) {
            throw DkimException.neutral(tag + "= is not base64");
        }
    }

    /** c= is "header" or "header/body"; the body defaults to simple, and so does a missing c= (§3.5). */
    private static Canonicalization[] canonicalizations(String c) throws DkimException {
        if (c == null) return new Canonicalization[] {Canonicalization.SIMPLE, Canonicalization.SIMPLE};
        int slash = c.indexOf('/');
        Canonicalization header = Canonicalization.parse(slash < 0 ? c : c.substring(0, slash));
        Canonicalization body = slash < 0 ? Canonicalization.SIMPLE : Canonicalization.parse(c.substring(slash + 1));
        if (header == null || body == null) throw DkimException.neutral("unknown canonicalization c=" + c);
        return new Canonicalization[] {header, body};
    }

    /** h=: colon-separated field names, whitespace allowed around them; From must be among them (§5.4). */
    private static List<String> fieldNames(String h, Kind kind) throws DkimException {
        List<String> names = new ArrayList<>();
        for (String part : h.split(":", -1)) {
            String name = TagList.squeeze(part).toLowerCase(Locale.ROOT);
            if (name.isEmpty()) throw DkimException.neutral("h= has an empty field name");
            for (int i = 0; i < name.length(); i++) {
                char ch = name.charAt(i);
                if (ch < 0x21 || ch > 0x7e) throw DkimException.neutral("h= has a field name with '" + ch + "' in it");
            }
            names.add(name);
        }
        if (!names.contains("from")) throw DkimException.neutral("h= does not include From");
        if (kind == Kind.ARC_MESSAGE && names.contains("arc-seal")) throw DkimException.neutral("an ARC-Message-Signature must not sign ARC-Seal");
        return List.copyOf(names);
    }

    /** i= is [local-part] "@" domain, the domain d= or a subdomain of it (§3.5). */
    private static String identity(String i, String d) throws DkimException {
        if (i == null) return "@" + d;
        int at = i.lastIndexOf('@');
        if (at < 0) throw DkimException.neutral("i=" + i + " has no @");
        String domain = i.substring(at + 1);
        if (!sameOrSubdomain(domain, d)) throw DkimException.neutral("i=" + i + " is not within d=" + d);
        return i;
    }

    static boolean sameOrSubdomain(String domain, String parent) {
        String a = domain.toLowerCase(Locale.ROOT), b = parent.toLowerCase(Locale.ROOT);
        return a.equals(b) || a.endsWith("." + b);
    }

    /** A decimal tag of at most {@code digits} digits, or -1 when absent; huge l= values saturate. */
    private static long number(String value, int digits, String tag) throws DkimException {
        if (value == null) return -1;
        if (value.isEmpty() || value.length() > digits || !value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw DkimException.neutral(tag + "=" + value + " is not a number of at most " + digits + " digits");
        }
        return value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value);
    }

    private static boolean listHas(String colonList, String item) {
        for (String s : colonList.split(":")) if (TagList.squeeze(s).equalsIgnoreCase(item)) return true;
        return false;
    }

    /** Letters, digits, '-' and '_' in dot-separated labels: what we can put into a DNS query. */
    static boolean validDomain(String name) {
        if (name.isEmpty() || name.length() > 253) return false;
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) return false;
            for (int i = 0; i < label.length(); i++) {
                char ch = label.charAt(i);
                boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
                if (!ok) return false;
            }
        }
        return true;
    }

    /** The body hash this signature needs; null when the message already needs too many others. */
    public BodyHash requestBodyHash(BodyHashes body) {
        return body.request(bodyCanonicalization, bodyLength);
    }

    /** x= passed or t= in the future, each with {@code skew} of tolerance for clocks. */
    public void checkTimes(Instant now, Duration skew) throws DkimException {
        long seconds = now.getEpochSecond();
        if (expiry >= 0 && seconds - skew.toSeconds() > expiry) {
            throw DkimException.permerror("signature expired at " + Instant.ofEpochSecond(expiry));
        }
        if (timestamp >= 0 && timestamp > seconds + skew.toSeconds()) {
            throw DkimException.permerror("signature is dated in the future (" + Instant.ofEpochSecond(timestamp) + ")");
        }
    }

    /**
     * RFC 6376 §6.1.2 and §6.1.3 with the fetched key records: the first record that verifies
     * wins; otherwise the first record's problem is the outcome. {@code index} is where this field
     * is in {@code header}. Returns the record that verified.
     */
    public PublicKeyRecord verify(MessageHeader header, int index, BodyHash body, List<PublicKeyRecord> keys) throws DkimException {
        DkimException first = null;
        for (PublicKeyRecord record : keys) {
            try {
                verifyWith(record, header, index, body);
                return record;
            } catch (DkimException e) {
                if (first == null) first = e;
            }
        }
        throw first != null ? first : DkimException.permerror("no key record");
    }

    private void verifyWith(PublicKeyRecord record, MessageHeader header, int index, BodyHash body) throws DkimException {
        PublicKey key = record.keyFor(algorithm);
        if (record.strict() && !identity.isEmpty() && !identity.substring(identity.lastIndexOf('@') + 1).equalsIgnoreCase(domain)) {
            throw DkimException.permerror("key record has t=s but i=" + identity + " is a subdomain of d=" + domain);
        }
        try {
            if (!MessageDigest.isEqual(body.digest(), bodyHash)) throw DkimException.fail("body hash did not verify");
            String signed = header.canonicalFields(signedFields, index, headerCanonicalization)
                    + headerCanonicalization.header(tags.withEmptyValue(rawField, "b"));
            if (!algorithm.verify(key, signed.getBytes(StandardCharsets.ISO_8859_1), signature)) {
                throw DkimException.fail("signature did not verify");
            }
        } catch (DkimException e) {
            throw record.testing() ? e.underTestingKey() : e;
        }
        if (bodyLength >= 0 && bodyLength < body.canonicalLength()) {
            throw DkimException.policy("l=" + bodyLength + " leaves " + (body.canonicalLength() - bodyLength) + " octets of the body unsigned");
        }
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    /** i= of a DKIM-Signature ("@" + d= when absent); empty for an ARC-Message-Signature. */
    public String identity() {
        return identity;
    }

    public DkimAlgorithm algorithm() {
        return algorithm;
    }
}
