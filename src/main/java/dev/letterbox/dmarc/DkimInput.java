package dev.letterbox.dmarc;

import java.util.Locale;

/**
 * What DKIM verification (RFC 6376) concluded for one signature: its result, its signing domain
 * ({@code d=}) and selector ({@code s=}, for the aggregate report). One per signature verified.
 */
public record DkimInput(Result result, String domain, String selector) {
    /** RFC 8601 §2.7.1 results. */
    public enum Result {
        NONE, PASS, FAIL, POLICY, NEUTRAL, TEMPERROR, PERMERROR;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
