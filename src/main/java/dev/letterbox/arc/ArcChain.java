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
    private static final Pattern AAR_INSTANCE = Pattern.compile("\\A[ \\t\\r\\n]*i[ \\t\\r\\n]*=[ \\t\\r\\n]*([0-9]{1,9})[ \\t\\r\\n]*;");

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
        if (total > 3 * max) return new ArcChain(new int[0][], max + 1, "more than " + max + " ARC sets (" + total + " ARC fields)");
        int[][] sets = new int[max][3];
        for (int[] set : sets) Arrays.fill(set, -1);
        int highest = 0;
        String defect = null;
        for (int kind = 0; kind < 3; kind++) {
            for (int index : kinds[kind]) {
                String field = header.field(index);
                int instance = instance(field, kind);
                if (instance > 0) highest = Math.max(highest, instance); // a seal must go above even a bogus number
                if (instance < 1 || instance > max) {
                    if (defect == null) defect = name(kind) + " has " + (instance < 0 ? "no readable instance i=" : "instance i=" + instance
                            + ", not from 1 to " + max);
                    continue;
                }
                if (sets[instance - 1][kind] >= 0) {
                    if (defect == null) defect = "two " + name(kind) + " fields with i=" + instance;
                    continue;
                }
                sets[instance - 1][kind] = index;
            }
        }
        if (defect != null) return new ArcChain(new int[0][], highest, defect);
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

    /** The i= of an ARC field as a number (up to 9 digits), or -1 when it has none or it is not a number. */
    private static int instance(String rawField, int kind) {
        String value = rawField.substring(rawField.indexOf(':') + 1);
        String i;
        if (kind == 0) {
            Matcher m = AAR_INSTANCE.matcher(value);
            i = m.find() ? m.group(1) : null;
        } else {
            try {
                i = DkimSignature.tags(rawField).get("i");
            } catch (DkimException e) {
                return -1;
            }
        }
        if (i == null || i.isEmpty() || i.length() > 9 || !i.chars().allMatch(ch -> ch >= '0' && ch <= '9')) return -1;
        return Integer.parseInt(i);
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
