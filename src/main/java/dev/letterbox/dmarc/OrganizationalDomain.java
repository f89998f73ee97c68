package dev.letterbox.dmarc;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.net.InternetDomainName;
import java.util.Arrays;

/**
 * The Organizational Domain of RFC 7489 §3.2: the public suffix of a name plus one label, found
 * with the Public Suffix List. The list is the one compiled into Guava ({@link InternetDomainName});
 * it is refreshed by updating Guava, never by rules written here.
 *
 * <p>Both sections of the list count, the ICANN one and the private one (github.io, blogspot.com,
 * ...). A private suffix names a service whose customers each register their own name under it:
 * alice.github.io and bob.github.io belong to different people. Counting only the ICANN section
 * would make github.io their shared organizational domain, so under relaxed alignment a DKIM
 * signature by one tenant would align with mail "From" another, and github.io's own DMARC record
 * would govern every tenant's mail.
 *
 * <p>Names under no listed suffix fall under the list's default rule "*": their last label is the
 * suffix. A name that is itself a public suffix (co.uk) is its own organizational domain.
 * Thread-safe. The list lives in memory, but finding a name's suffix means trying its tails one
 * by one, so the answers for the names seen lately are kept ({@link #REMEMBERED} of them): a
 * message's domains are asked about several times, and most mail comes from the same few.
 */
public final class OrganizationalDomain {
    static final int REMEMBERED = 10_000;

    private final Cache<String, String> answers = CacheBuilder.newBuilder().maximumSize(REMEMBERED).build();

    /**
     * The organizational domain of {@code domain}, in A-label lower-case form. A name that is not a
     * usable domain name is returned normalised as far as possible and treated as its own
     * organization (it aligns only with itself).
     */
    public String of(String domain) {
        if (domain.length() > 4 * DomainNames.MAX_LENGTH) return find(domain); // no name: not worth keeping
        String known = answers.getIfPresent(domain);
        if (known != null) return known;
        String found = find(domain);
        answers.put(domain, found);
        return found;
    }

    private static String find(String domain) {
        String ascii = DomainNames.ascii(domain).orElse(domain.toLowerCase(java.util.Locale.ROOT));
        String[] labels = ascii.split("\\.", -1);
        int suffixLabels = suffixLabels(labels);
        int keep = Math.min(labels.length, suffixLabels + 1);
        return String.join(".", Arrays.copyOfRange(labels, labels.length - keep, labels.length));
    }

    /** True when both names have the same organizational domain (relaxed alignment, RFC 7489 §3.1). */
    public boolean sameOrganization(String a, String b) {
        return of(a).equals(of(b));
    }

    /**
     * How many trailing labels form the public suffix. The suffix depends only on trailing labels, so
     * when the whole name is not one Guava accepts (a leading label with an underscore, say) the
     * longest acceptable tail decides.
     */
    private static int suffixLabels(String[] labels) {
        for (int start = 0; start < labels.length; start++) {
            String tail = String.join(".", Arrays.copyOfRange(labels, start, labels.length));
            if (!InternetDomainName.isValid(tail)) continue;
            InternetDomainName name = InternetDomainName.from(tail);
            return name.hasPublicSuffix() ? name.publicSuffix().parts().size() : 1;
        }
        return 1;
    }
}
