package dev.letterbox.dkim;

import java.security.PublicKey;
import java.util.Base64;
import java.util.Locale;

/**
 * A DKIM key record (RFC 6376 §3.6.1), the TXT record at {@code SELECTOR._domainkey.DOMAIN}: v= (if
 * present, first and "DKIM1"), h= acceptable hashes, k= key type (default rsa), p= key data (empty:
 * revoked), s= service types, t= flags (y: testing, s: strict identity). Unknown tags and flags
 * are ignored, as the RFC asks.
 */
public final class PublicKeyRecord {
    /** Far beyond an RSA-8192 key's record (about 1.5 KB); anything longer is refused unread. */
    static final int MAX_RECORD_LENGTH = 8192;

    private final String keyType;
    private final String hashes; // colon list, null: any
    private final String services; // colon list, null: "*"
    private final byte[] keyData; // empty: revoked
    private final boolean testing;
    private final boolean strict;

    private PublicKeyRecord(String keyType, String hashes, String services, byte[] keyData, boolean testing, boolean strict) {
        this.keyType = keyType;
        this.hashes = hashes;
        this.services = services;
        this.keyData = keyData;
        this.testing = testing;
        this.strict = strict;
    }

    /** Parses one TXT record (its strings joined); any defect is a permerror, as §6.1.2 asks. */
    public static PublicKeyRecord parse(String txt) throws DkimException {
        if (txt.length() > MAX_RECORD_LENGTH) throw DkimException.permerror("key record longer than " + MAX_RECORD_LENGTH + " characters");
        TagList tags;
        try {
            tags = TagList.parse(txt);
        } catch (DkimException e) {
            throw DkimException.permerror("key record: " + e.reason());
        }
        String v = tags.get("v");
        if (v != null && (!"v".equals(tags.firstName()) || !v.equals("DKIM1"))) {
            throw DkimException.permerror("key record is not v=DKIM1 (v= must come first and be DKIM1)");
        }
        String p = tags.get("p");
        if (p == null) throw DkimException.permerror("key record has no p=");
        byte[] keyData;
        try {
            keyData = Base64.getDecoder().decode(TagList.squeeze(p));
        } catch (IllegalArgumentException e) {
            throw DkimException.permerror("key record's p= is not base64");
        }
        String k = tags.get("k");
        String keyType = k == null ? "rsa" : k.toLowerCase(Locale.ROOT);
        boolean testing = false, strict = false;
        String t = tags.get("t");
        if (t != null) {
            for (String flag : t.split(":")) {
                String f = flag.strip();
                testing |= f.equals("y");
                strict |= f.equals("s");
            }
        }
        return new PublicKeyRecord(keyType, lower(tags.get("h")), lower(tags.get("s")), keyData, testing, strict);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    /** True when the signer is testing DKIM (t=y). */
    public boolean testing() {
        return testing;
    }

    /** True when i= must be exactly d=, not a subdomain (t=s). */
    public boolean strict() {
        return strict;
    }

    /**
     * The key, if this record may verify signatures made with {@code algorithm} for email
     * (RFC 6376 §6.1.2 and RFC 8301). An empty p= is a revoked key: the signature fails.
     */
    public PublicKey keyFor(DkimAlgorithm algorithm) throws DkimException {
        if (keyData.length == 0) throw DkimException.fail("key revoked (empty p=)");
        if (!keyType.equals(algorithm.keyType)) {
            throw DkimException.permerror("key type k=" + keyType + " does not match a=" + algorithm.tag);
        }
        if (hashes != null && !listContains(hashes, "sha256")) throw DkimException.permerror("key record's h= does not allow sha256");
        if (services != null && !listContains(services, "*") && !listContains(services, "email")) {
            throw DkimException.permerror("key record's s= does not include email");
        }
        return algorithm.decodePublicKey(keyData);
    }

    private static boolean listContains(String colonList, String item) {
        for (String s : colonList.split(":")) if (s.strip().equals(item)) return true;
        return false;
    }
}
