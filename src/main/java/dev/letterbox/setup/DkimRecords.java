package dev.letterbox.setup;

import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The DKIM public-key TXT records (or a note that there are none yet) for {@code letterbox dns}. */
@FunctionalInterface
public interface DkimRecords {
    /** The records (and notes) to publish for {@code domain}'s DKIM selectors. */
    List<DnsRecords.Item> forDomain(String domain);

    /** One TXT record per key in the store; a note saying how to make one when there is none. */
    static DkimRecords of(DkimKeyStore keys) {
        return domain -> {
            List<DkimKey> found;
            try {
                found = keys.keys(domain);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the DKIM keys of " + domain + ": " + e.getMessage(), e);
            }
            if (found.isEmpty()) {
                return List.of(new DnsRecords.Note("DKIM: no signing key yet; 'letterbox dkim generate " + domain
                        + "' makes one, then run this again"));
            }
            List<DnsRecords.Item> out = new ArrayList<>();
            for (DkimKey k : found) {
                out.add(new DnsRecords.Record("DKIM: receivers check " + domain + "'s signatures with this " + k.algorithm().tag
                        + " key (selector " + k.selector() + ")", k.recordName() + ".", "TXT", DnsRecords.txt(k.recordValue())));
            }
            return out;
        };
    }
}
