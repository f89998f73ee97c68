package dev.letterbox.arc;

import dev.letterbox.dkim.Canonicalization;
import dev.letterbox.dkim.DkimException;
import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimSignature;
import dev.letterbox.dkim.DkimSigner;
import dev.letterbox.dkim.MessageHeader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Adds our ARC set to a message we pass on (RFC 8617 §5.1): ARC-Authentication-Results with our
 * verdicts, an ARC-Message-Signature over the message (relaxed/relaxed, the fields
 * {@link DkimSigner} signs) and an ARC-Seal over the chain. The message is not changed: the
 * caller prepends the returned fields.
 */
public final class ArcSealer {
    private ArcSealer() {}

    /**
     * The three fields of the next ARC set, each ending in CRLF, to prepend in this order (top to
     * bottom): ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results. Empty when no set may
     * be added: the message already has 50, or its newest seal says cv=fail (RFC 8617 §5.1 step 2:
     * a chain someone else declared broken is not sealed again).
     *
     * @param header the message's header as it will be sent on (without the new fields)
     * @param relaxedBodyHash the SHA-256 of the body under relaxed canonicalisation, e.g.
     *     {@code bodyHashes.request(Canonicalization.RELAXED, -1).digest()}
     * @param authenticationResults the value of our Authentication-Results field for this message
     *     (authserv-id; results), which becomes the ARC-Authentication-Results after "i=N; "
     * @param chain what {@link ArcVerification} found on the message: its status becomes cv=; a
     *     failed chain gets a seal that covers only our set (RFC 8617 §5.1.2)
     */
    public static List<String> seal(MessageHeader header, byte[] relaxedBodyHash, String authenticationResults,
            ArcResult chain, DkimKey key, Instant now) {
        int instance = chain.instances() + 1;
        if (instance > DkimSignature.MAX_ARC_INSTANCE) return List.of();
        ArcChain previous = ArcChain.collect(header);
        if (newestSealSaysFail(header, previous)) return List.of();
        boolean keepPrevious = chain.status() == ArcResult.Status.PASS;
        if (keepPrevious && (previous.defect != null || previous.highest != chain.instances())) {
            throw new IllegalArgumentException("the header's ARC sets are not the chain that was validated");
        }
        String t = String.valueOf(now.getEpochSecond());
        String aar = "ARC-Authentication-Results: i=" + instance + "; " + checkedValue(authenticationResults.strip());

        // RFC 8617 §4.1.2: the AMS covers the DKIM signatures already present, never A-R or ARC fields
        List<String> names = new ArrayList<>(DkimSigner.signedNames(header));
        for (int i = 0; i < header.positions("dkim-signature").length; i++) names.add("dkim-signature");
        String unsignedAms = "ARC-Message-Signature: i=" + instance + "; a=" + key.algorithm().tag + "; c=relaxed/relaxed;\r\n\td="
                + key.domain() + "; s=" + key.selector() + "; t=" + t + ";\r\n\th=" + String.join(":", names)
                + ";\r\n\tbh=" + Base64.getEncoder().encodeToString(relaxedBodyHash) + ";\r\n\tb=";
        String amsData = header.canonicalFields(names, -1, Canonicalization.RELAXED) + Canonicalization.RELAXED.header(unsignedAms);
        String ams = unsignedAms + DkimSigner.signatureValue(key, amsData);

        String unsignedSeal = "ARC-Seal: i=" + instance + "; a=" + key.algorithm().tag + "; t=" + t + "; cv=" + chain.status().word()
                + ";\r\n\td=" + key.domain() + "; s=" + key.selector() + ";\r\n\tb=";
        String sealData = ArcChain.sealInput(header, previous, keepPrevious ? chain.instances() : 0, aar, ams, unsignedSeal);
        String seal = unsignedSeal + DkimSigner.signatureValue(key, sealData);
        return List.of(seal + "\r\n", ams + "\r\n", aar + "\r\n");
    }

    private static boolean newestSealSaysFail(MessageHeader header, ArcChain chain) {
        if (chain.defect != null || chain.highest == 0) return false;
        try {
            return ArcSeal.parse(header.field(chain.seal(chain.highest))).cv() == ArcResult.Status.FAIL;
        } catch (DkimException unreadable) {
            return false; // a broken seal is a broken chain: sealed with cv=fail like any other
        }
    }

    /** The A-R value goes into a header field as is: every line break in it must start a fold. */
    private static String checkedValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean fold = c == '\r' && i + 2 < value.length() && value.charAt(i + 1) == '\n'
                    && (value.charAt(i + 2) == ' ' || value.charAt(i + 2) == '\t');
            if (fold) i++;
            else if (c == '\r' || c == '\n') throw new IllegalArgumentException("Authentication-Results text has a line break that is not a fold");
        }
        return value;
    }
}
