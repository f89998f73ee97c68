package dev.letterbox.dmarc;

import java.util.Locale;

/**
 * What SPF (RFC 7208) concluded, as DMARC needs it: the result and the domain it is about. That
 * domain is the RFC5321.MailFrom domain; for the null reverse-path it is the HELO/EHLO name (RFC 7208
 * §2.4), which DMARC then uses in its place (RFC 7489 §3.1.2).
 *
 * @param domain the checked domain, "" when SPF checked none
 */
public record SpfInput(Result result, String domain, Scope scope) {
    /** RFC 7208 §2.6 results. */
    public enum Result {
        NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which identity was checked (the aggregate report's SPF scope). */
    public enum Scope {
        MFROM, HELO;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** No SPF check was made. */
    public static SpfInput none() {
        return new SpfInput(Result.NONE, "", Scope.MFROM);
    }
}
