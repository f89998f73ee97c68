package dev.letterbox.dkim;

import java.util.List;

/**
 * What DKIM verification found in one message: a result per signature that was checked, from the
 * top of the header down, and how many further DKIM-Signature fields were ignored because the
 * message had more than the configured number.
 */
public record DkimResults(List<DkimResult> signatures, int notChecked) {
    public DkimResults {
        signatures = List.copyOf(signatures);
    }

    /** No DKIM-Signature at all: Authentication-Results says dkim=none. */
    public boolean unsigned() {
        return signatures.isEmpty() && notChecked == 0;
    }

    /** The results that passed (what DMARC looks at). */
    public List<DkimResult> passing() {
        return signatures.stream().filter(r -> r.status() == DkimResult.Status.PASS).toList();
    }
}
