package dev.letterbox.spf;

import java.util.Locale;
import java.util.Optional;

/**
 * The outcome of one SPF check (RFC 7208 §2.6).
 *
 * @param result      what check_host() concluded
 * @param identity    which identity was checked: the MAIL FROM or the HELO
 * @param domain      the domain whose policy was asked (for a null sender, the HELO domain)
 * @param sender      the &lt;sender&gt; of check_host(): the MAIL FROM address, or
 *                    "postmaster@" + the HELO domain when MAIL FROM was &lt;&gt; or the HELO is checked
 * @param explanation for {@code fail} only: the publisher's explanation (its {@code exp=}),
 *                    macro-expanded, US-ASCII, short enough for an SMTP reply line; empty when the
 *                    policy gives none or it could not be had
 * @param detail      for pass/fail/softfail/neutral the mechanism that matched ("default" when none
 *                    did); for permerror/temperror/none what went wrong or was missing
 */
public record SpfResult(Result result, Identity identity, String domain, String sender,
                        Optional<String> explanation, String detail) {

    /** RFC 7208 §2.6, with the keywords of §9.1 and RFC 8601. */
    public enum Result {
        NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

        /** "pass", "softfail", ...: the word Received-SPF and Authentication-Results use. */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** RFC 7208 §9.1 "identity". */
    public enum Identity {
        MAILFROM, HELO;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The RFC 8601 §2.7.4 property naming this identity: smtp.mailfrom or smtp.helo. */
        public String authResultsProperty() {
            return "smtp." + keyword();
        }
    }

    /** True for results that name a problem rather than the sender's policy. */
    public boolean isError() {
        return result == Result.TEMPERROR || result == Result.PERMERROR;
    }

    /**
     * The SPF part of an Authentication-Results field (RFC 8601 §2.7.4), e.g.
     * {@code spf=pass smtp.mailfrom=example.org}. The domain is the value: it is what DMARC aligns
     * on, and unlike a local-part it never needs quoting.
     */
    public String authResultsText() {
        return "spf=" + result.keyword() + " " + identity.authResultsProperty() + "=" + ReceivedSpf.valueText(domain);
    }
}
