package dev.letterbox.dkim;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The DKIM check of one message while it streams: created by {@link DkimVerifier#start} once the
 * header is known, finished by {@link #finish} once the body has gone through its
 * {@link BodyHashes}. Work is bounded: only the first {@code maxSignatures} DKIM-Signature fields
 * are parsed, hashed, looked up and verified; the others are only counted.
 */
public final class DkimVerification {
    private static final String FIELD = "dkim-signature";
    private static final int MIN_PREFIX = 8;

    /** One checked field: either parsed and waiting for its key, or already decided. */
    private static final class Entry {
        final int index;
        TagList tags; // null when not even the tag list parsed
        DkimSignature signature;
        BodyHash bodyHash;
        KeyLookups.Pending key;
        DkimException failure;

        Entry(int index) {
            this.index = index;
        }
    }

    private final MessageHeader header;
    private final Clock clock;
    private final List<Entry> entries = new ArrayList<>();
    private final int notChecked;
    private DkimResults results;

    DkimVerification(MessageHeader header, BodyHashes body, KeyLookups lookups, int maxSignatures, Clock clock) {
        this.header = header;
        this.clock = clock;
        int[] at = header.positions(FIELD);
        for (int i = 0; i < Math.min(at.length, maxSignatures); i++) entries.add(prepare(at[i], body, lookups));
        this.notChecked = Math.max(0, at.length - maxSignatures);
    }

    private Entry prepare(int index, BodyHashes body, KeyLookups lookups) {
        Entry e = new Entry(index);
        try {
            e.tags = DkimSignature.tags(header.field(index));
            e.signature = DkimSignature.parse(header.field(index), e.tags, DkimSignature.Kind.DKIM);
            e.bodyHash = e.signature.requestBodyHash(body);
            if (e.bodyHash == null) throw DkimException.permerror("message needs too many different body hashes");
            e.key = lookups.lookup(e.signature.selector(), e.signature.domain());
        } catch (DkimException failure) {
            e.failure = failure;
        }
        return e;
    }

    /**
     * Verifies every checked signature, waiting for key lookups until {@code deadline} at the
     * latest (those still running count as temperror). Call once the whole body has been fed;
     * later calls return the same results.
     */
    public DkimResults finish(Instant deadline) {
        if (results != null) return results;
        Instant now = clock.instant();
        List<String> signatures = new ArrayList<>();
        for (Entry e : entries) signatures.add(e.tags == null ? "" : TagList.squeeze(orEmpty(e.tags.get("b"))));
        List<DkimResult> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            DkimResult.Status status = DkimResult.Status.PASS;
            String reason = "signature verified";
            boolean testing = false;
            try {
                if (e.failure != null) throw e.failure;
                e.signature.checkTimes(now, DkimVerifier.CLOCK_SKEW);
                PublicKeyRecord key = e.signature.verify(header, e.index, e.bodyHash, e.key.await(deadline));
                testing = key.testing();
                if (testing) reason = "signature verified (key in testing mode, t=y)";
            } catch (DkimException failure) {
                status = failure.status();
                reason = failure.reason();
                testing = failure.testing();
            }
            out.add(result(e, status, reason, testing, prefix(signatures, i)));
        }
        results = new DkimResults(out, notChecked);
        return results;
    }

    private DkimResult result(Entry e, DkimResult.Status status, String reason, boolean testing, String prefix) {
        if (e.signature != null) {
            DkimSignature s = e.signature;
            return new DkimResult(status, s.domain(), s.identity(), s.selector(), s.algorithm().tag, prefix, reason, testing);
        }
        TagList t = e.tags; // a broken signature: report what it claims, as far as it can be read
        String d = t == null ? "" : orEmpty(t.get("d"));
        String identity = t == null || t.get("i") == null ? (d.isEmpty() ? "" : "@" + d) : t.get("i");
        return new DkimResult(status, d, identity, t == null ? "" : orEmpty(t.get("s")), t == null ? "" : orEmpty(t.get("a")),
                prefix, reason, testing);
    }

    /** RFC 6008 §4: the shortest prefix of b= (at least 8 characters) no other signature here shares. */
    static String prefix(List<String> signatures, int index) {
        String b = signatures.get(index);
        int length = Math.min(b.length(), MIN_PREFIX);
        for (int j = 0; j < signatures.size(); j++) {
            if (j == index || signatures.get(j).equals(b)) continue;
            String other = signatures.get(j);
            int common = 0;
            while (common < b.length() && common < other.length() && b.charAt(common) == other.charAt(common)) common++;
            length = Math.max(length, Math.min(b.length(), common + 1));
        }
        return b.substring(0, length);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
