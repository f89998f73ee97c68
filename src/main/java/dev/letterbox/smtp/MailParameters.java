package dev.letterbox.smtp;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The MAIL FROM parameters Letterbox knows: SIZE (RFC 1870), BODY (RFC 6152 / RFC 3030), SMTPUTF8
 * (RFC 6531), RET and ENVID (RFC 3461, ENVID xtext-decoded), AUTH (RFC 4954 §5, accepted and kept).
 */
public record MailParameters(OptionalLong size, Optional<Body> body, boolean smtputf8, Optional<Ret> ret,
                             Optional<String> envId, Optional<String> auth) {
    public static final MailParameters NONE = new MailParameters(OptionalLong.empty(), Optional.empty(), false,
            Optional.empty(), Optional.empty(), Optional.empty());

    /** BODY=: the content's transport type. */
    public enum Body {
        SEVEN_BIT("7BIT"), EIGHT_BIT_MIME("8BITMIME"), BINARY_MIME("BINARYMIME");

        public final String keyword;

        Body(String keyword) {
            this.keyword = keyword;
        }
    }

    /** RET=: return the full message or only its headers in a failure DSN. */
    public enum Ret { FULL, HDRS }
}
