package dev.letterbox.arc;

import dev.letterbox.dkim.DkimAlgorithm;
import dev.letterbox.dkim.DkimException;
import dev.letterbox.dkim.DkimResult;
import dev.letterbox.dkim.DkimSignature;
import dev.letterbox.dkim.TagList;
import java.util.Base64;
import java.util.Locale;

/**
 * A parsed ARC-Seal field (RFC 8617 §4.1.3): i=, cv=, a=, b=, d=, s= required, t= optional, and no
 * h= (its presence fails the chain). Canonicalisation is always relaxed, so c= is not read.
 */
record ArcSeal(String rawField, TagList tags, int instance, ArcResult.Status cv, DkimAlgorithm algorithm,
        String domain, String selector, byte[] signature) {

    static ArcSeal parse(String rawField) throws DkimException {
        TagList tags = DkimSignature.tags(rawField);
        int instance = DkimSignature.arcInstance(tags.get("i"));
        if (tags.has("h")) throw invalid("an ARC-Seal must not have h=");
        ArcResult.Status cv = switch (tags.required("cv").toLowerCase(Locale.ROOT)) {
            case "none" -> ArcResult.Status.NONE;
            case "pass" -> ArcResult.Status.PASS;
            case "fail" -> ArcResult.Status.FAIL;
            default -> throw invalid("unknown cv=" + tags.get("cv"));
        };
        DkimAlgorithm algorithm = DkimAlgorithm.fromTag(tags.required("a"));
        if (algorithm == null) throw invalid("algorithm a=" + tags.get("a") + " is not accepted");
        String domain = tags.required("d");
        String selector = tags.required("s");
        String b = TagList.squeeze(tags.required("b"));
        if (b.length() > 4096) throw invalid("b= is too long");
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(b);
        } catch (IllegalArgumentException e) {
            throw invalid("b= is not base64");
        }
        return new ArcSeal(rawField, tags, instance, cv, algorithm, domain, selector, signature);
    }

    private static DkimException invalid(String reason) {
        return new DkimException(DkimResult.Status.FAIL, reason);
    }
}
