package dev.letterbox.arc;

import dev.letterbox.dkim.Canonicalization;
import dev.letterbox.dkim.DkimException;
import dev.letterbox.dkim.DkimSignature;
import dev.letterbox.dkim.MessageHeader;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ARC sets of a message (RFC 8617 §4.2, §5.2 steps 1-3): which header fields form set i=1..n.
 * A structural defect (a field without a readable instance, a set missing a field or having two,
 * a gap, more than 50 sets) is recorded rather than thrown, because the sealer still needs the
 * highest instance number of a broken chain. Work is bounded: a header with more ARC fields than
 * 50 sets can hold is judged by counting alone.
 */
final class ArcChain {
    static final String AAR = "arc-authentication-results";
    static final String AMS = "arc-message-signature";
    static final String SEAL = "arc-seal";
    private static final Pattern AAR_INSTANCE = Pattern.compile("\\A[ \\t\\r\\n]*i[ \\t\\r\\n]*=[ \\t\\r\\n]*([0-9]{1,2})[ \\t\\r\\n]*;");

    /** Header field indices of set i at [i - 1][0..2]: AAR, AMS, AS. */
    final int[][] sets;
    /** The highest instance seen (0: none). */
    final int highest;
    /** Why the chain's form is invalid, or null when it is a complete sequence 1..n. */
    final String defect;

    private ArcChain(int[][] sets, int highest, String defect) {
        this.sets = sets;
        this.highest = highest;
        this.defect = defect;
    }

    static ArcChain collect(MessageHeader header) {
        int[][] kinds = {header.positions(AAR), header.positions(AMS), header.positions(SEAL)};
        int total = kinds[0].length + kinds[1].length + kinds[2].length;
        if (total == 0) return new ArcChain(new int[0][], 0, null);
        int max = DkimSignature.MAX_ARC_INSTANCE;
        if (total > 3 * max) return new ArcChain(new int[0][], max + 1, "more than " + max + " ARC sets");
        int[][] sets = new int[max][3];
        for (int[] set : sets) Arrays.fill(set, -1);
        int highest = 0;
        String defect = null;
        for (int kind = 0; kind < 3; kind++) {
            for (int index : kinds[kind]) {
                int instance;
                try {
                    instance = instance(header.field(index), kind);
                } catch (DkimException e) {
                    if (defect == null) defect = header.field(index).substring(0, header.field(index).indexOf(':')) + ": " + e.reason();
                    continue;
                }
                highest = Math.max(highest, instance);
                if (sets[instance - 1][kind] >= 0) {
                    if (defect == null) defect = "two " + name(kind) + " fields with i=" + instance;
                    continue;
                }
                sets[instance - 1][kind] = index;
            }
        }
        for (int i = 1; defect == null && i <= highest; i++) {
            for (int kind = 0; kind < 3; kind++) {
                if (sets[i - 1][kind] < 0) {
                    defect = "ARC set i=" + i + " has no " + name(kind);
                    break;
                }
            }
        }
        return new ArcChain(Arrays.copyOf(sets, highest), highest, defect);
    }

    private static int instance(String rawField, int kind) throws DkimException {
        String value = rawField.substring(rawField.indexOf(':') + 1);
        if (kind == 0) {
            Matcher m = AAR_INSTANCE.matcher(value);
            return DkimSignature.arcInstance(m.find() ? m.group(1) : null);
        }
        return DkimSignature.arcInstance(DkimSignature.tags(rawField).get("i"));
    }

    private static String name(int kind) {
        return switch (kind) {
            case 0 -> "ARC-Authentication-Results";
            case 1 -> "ARC-Message-Signature";
            default -> "ARC-Seal";
        };
    }

    int aar(int instance) {
        return sets[instance - 1][0];
    }

    int ams(int instance) {
        return sets[instance - 1][1];
    }

    int seal(int instance) {
        return sets[instance - 1][2];
    }

    /**
     * What an ARC-Seal signs (RFC 8617 §5.1.1): the sets 1..{@code previousSets} of {@code chain}
     * in order, each as AAR, AMS, AS, relaxed and followed by CRLF, then the seal's own set the
     * same way except that the seal comes with its b= value blanked and no CRLF.
     */
    static String sealInput(MessageHeader header, ArcChain chain, int previousSets, String aar, String ams, String seal) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= previousSets; i++) {
            for (int index : new int[] {chain.aar(i), chain.ams(i), chain.seal(i)}) {
                out.append(Canonicalization.RELAXED.header(header.field(index))).append("\r\n");
            }
        }
        out.append(Canonicalization.RELAXED.header(aar)).append("\r\n");
        out.append(Canonicalization.RELAXED.header(ams)).append("\r\n");
        out.append(Canonicalization.RELAXED.header(withoutSignature(seal)));
        return out.toString();
    }

    /** A seal field with its b= value blanked, as it is while being signed. */
    static String withoutSignature(String sealField) {
        try {
            return DkimSignature.tags(sealField).withEmptyValue(sealField, "b");
        } catch (DkimException e) {
            throw new IllegalArgumentException("not a tag list: " + e.reason());
        }
    }
}
