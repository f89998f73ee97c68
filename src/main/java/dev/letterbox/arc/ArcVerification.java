package dev.letterbox.arc;

import dev.letterbox.dkim.BodyHash;
import dev.letterbox.dkim.BodyHashes;
import dev.letterbox.dkim.DkimException;
import dev.letterbox.dkim.DkimResult;
import dev.letterbox.dkim.DkimSignature;
import dev.letterbox.dkim.DkimVerifier;
import dev.letterbox.dkim.KeyLookups;
import dev.letterbox.dkim.MessageHeader;
import dev.letterbox.dkim.PublicKeyRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The ARC check of one message while it streams (RFC 8617 §5.2), created by
 * {@link ArcVerifier#start}. Everything that needs neither keys nor body is decided at the start,
 * so a malformed chain costs no DNS: the form of the sets, a newest seal with cv=fail, the cv= of
 * every seal (none at i=1, pass above). Then: the newest ARC-Message-Signature must verify, the
 * older ones are tried for oldest-pass, and every seal must verify. Any failure, a DNS error
 * included, fails the chain (ARC has no temperror).
 */
public final class ArcVerification {
    private final MessageHeader header;
    private final Clock clock;
    private final ArcChain chain;
    private final ArcResult decided; // set at the start when the form already decides
    private ArcSeal[] seals; // [i - 1]
    private DkimSignature[] signatures; // [i - 1]; null where unparsable or not checked
    private BodyHash[] bodyHashes;
    private KeyLookups.Pending[] signatureKeys;
    private KeyLookups.Pending[] sealKeys;
    private ArcResult result;

    ArcVerification(MessageHeader header, BodyHashes body, KeyLookups lookups, Clock clock) {
        this.header = header;
        this.clock = clock;
        this.chain = ArcChain.collect(header);
        ArcResult byForm = judgeForm();
        decided = byForm != null ? byForm : prepare(body, lookups);
    }

    /** RFC 8617 §5.2 steps 1-3, on the header alone: the result when they decide it, else null. */
    private ArcResult judgeForm() {
        int n = chain.highest;
        if (chain.defect != null) return ArcResult.fail(n, chain.defect);
        if (n == 0) return ArcResult.none();
        seals = new ArcSeal[n];
        for (int i = n; i >= 1; i--) {
            try {
                seals[i - 1] = ArcSeal.parse(header.field(chain.seal(i)));
            } catch (DkimException e) {
                return ArcResult.fail(n, "ARC-Seal i=" + i + ": " + e.reason());
            }
        }
        if (seals[n - 1].cv() == ArcResult.Status.FAIL) return ArcResult.fail(n, "ARC-Seal i=" + n + " already says cv=fail");
        for (int i = 1; i <= n; i++) {
            ArcResult.Status expected = i == 1 ? ArcResult.Status.NONE : ArcResult.Status.PASS;
            if (seals[i - 1].cv() != expected) {
                return ArcResult.fail(n, "ARC-Seal i=" + i + " has cv=" + seals[i - 1].cv().word() + ", not " + expected.word());
            }
        }
        return null;
    }

    /**
     * Parses the ARC-Message-Signatures, newest first so it gets its body hash whatever the
     * budget, and starts every key lookup. The result when the newest AMS is already hopeless, else null.
     */
    private ArcResult prepare(BodyHashes body, KeyLookups lookups) {
        int n = chain.highest;
        signatures = new DkimSignature[n];
        bodyHashes = new BodyHash[n];
        signatureKeys = new KeyLookups.Pending[n];
        sealKeys = new KeyLookups.Pending[n];
        for (int i = n; i >= 1; i--) {
            try {
                signatures[i - 1] = DkimSignature.parse(header.field(chain.ams(i)), DkimSignature.Kind.ARC_MESSAGE);
                bodyHashes[i - 1] = signatures[i - 1].requestBodyHash(body);
                signatureKeys[i - 1] = lookups.lookup(signatures[i - 1].selector(), signatures[i - 1].domain());
            } catch (DkimException e) {
                if (i == n) return ArcResult.fail(n, "ARC-Message-Signature i=" + n + ": " + e.reason());
                signatures[i - 1] = null; // only oldest-pass depends on it
            }
            if (i == n && bodyHashes[n - 1] == null) return ArcResult.fail(n, "message needs too many different body hashes");
            sealKeys[i - 1] = lookups.lookup(seals[i - 1].selector(), seals[i - 1].domain());
        }
        return null;
    }

    /**
     * Validates the chain, waiting for key lookups until {@code deadline} at the latest. Call
     * once the whole body has been fed; later calls return the same result.
     */
    public ArcResult finish(Instant deadline) {
        if (result == null) result = decided != null ? decided : validate(deadline);
        return result;
    }

    private ArcResult validate(Instant deadline) {
        int n = chain.highest;
        try {
            verifyMessageSignature(n, deadline);
        } catch (DkimException e) {
            return ArcResult.fail(n, "ARC-Message-Signature i=" + n + ": " + e.reason());
        }
        int oldestPass = 0;
        for (int i = n - 1; i >= 1; i--) {
            try {
                verifyMessageSignature(i, deadline);
            } catch (DkimException e) {
                oldestPass = i + 1;
                break;
            }
        }
        for (int i = n; i >= 1; i--) {
            try {
                verifySeal(i, deadline);
            } catch (DkimException e) {
                return ArcResult.fail(n, "ARC-Seal i=" + i + ": " + e.reason());
            }
        }
        String reason = n == 1 ? "1 ARC set verified" : n + " ARC sets verified";
        return new ArcResult(ArcResult.Status.PASS, n, oldestPass, reason);
    }

    private void verifyMessageSignature(int i, Instant deadline) throws DkimException {
        DkimSignature signature = signatures[i - 1];
        BodyHash body = bodyHashes[i - 1];
        if (signature == null || body == null) throw failure("not checkable");
        signature.checkTimes(clock.instant(), DkimVerifier.CLOCK_SKEW);
        signature.verify(header, chain.ams(i), body, signatureKeys[i - 1].await(deadline));
    }

    private void verifySeal(int i, Instant deadline) throws DkimException {
        ArcSeal seal = seals[i - 1];
        List<PublicKeyRecord> keys = sealKeys[i - 1].await(deadline);
        String signed = ArcChain.sealInput(header, chain, i - 1, header.field(chain.aar(i)), header.field(chain.ams(i)), seal.rawField());
        byte[] data = signed.getBytes(StandardCharsets.ISO_8859_1);
        DkimException first = null;
        for (PublicKeyRecord record : keys) {
            try {
                if (seal.algorithm().verify(record.keyFor(seal.algorithm()), data, seal.signature())) return;
                throw failure("signature did not verify");
            } catch (DkimException e) {
                if (first == null) first = e;
            }
        }
        throw first;
    }

    private static DkimException failure(String reason) {
        return new DkimException(DkimResult.Status.FAIL, reason);
    }
}
