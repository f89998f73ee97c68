package dev.letterbox.setup;

import java.util.List;

/**
 * The seam through which DKIM signing keys add their public-key TXT records to
 * {@code letterbox dns}. Until outbound signing exists, {@link #NONE} prints a note instead.
 */
@FunctionalInterface
public interface DkimRecords {
    /** The records (and notes) to publish for {@code domain}'s DKIM selectors. */
    List<DnsRecords.Item> forDomain(String domain);

    DkimRecords NONE = domain -> List.of(new DnsRecords.Note(
            "DKIM: run 'letterbox dkim generate " + domain + "' once available; it will print the key's TXT record"));
}
