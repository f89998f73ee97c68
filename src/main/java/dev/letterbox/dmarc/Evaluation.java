package dev.letterbox.dmarc;

import java.util.List;

/**
 * DMARC's verdict on a message: the one {@link #result} that decides (for Authentication-Results
 * and the disposition) and the result for each author domain checked (for the aggregate reports;
 * empty when no domain could be checked).
 */
public record Evaluation(DmarcResult result, List<DmarcResult> perDomain) {
    public Evaluation {
        perDomain = List.copyOf(perDomain);
    }
}
