package dev.letterbox.managesieve;

import java.util.Optional;

/** A response code (RFC 5804 §1.3), with its string argument where it takes one (TAG, SASL). */
public record ResponseCode(String atom, Optional<String> argument) {
    public static final ResponseCode AUTH_TOO_WEAK = of("AUTH-TOO-WEAK");
    public static final ResponseCode ENCRYPT_NEEDED = of("ENCRYPT-NEEDED");
    public static final ResponseCode QUOTA_MAXSCRIPTS = of("QUOTA/MAXSCRIPTS");
    public static final ResponseCode QUOTA_MAXSIZE = of("QUOTA/MAXSIZE");
    public static final ResponseCode TRYLATER = of("TRYLATER");
    public static final ResponseCode ACTIVE = of("ACTIVE");
    public static final ResponseCode NONEXISTENT = of("NONEXISTENT");
    public static final ResponseCode ALREADYEXISTS = of("ALREADYEXISTS");
    public static final ResponseCode WARNINGS = of("WARNINGS");

    private static ResponseCode of(String atom) {
        return new ResponseCode(atom, Optional.empty());
    }

    /** §2.1: SASL data sent with the success (SCRAM's server-final message), base64. */
    public static ResponseCode sasl(String base64) {
        return new ResponseCode("SASL", Optional.of(base64));
    }

    /** §2.13: NOOP's tag echoed back. */
    public static ResponseCode tag(String tag) {
        return new ResponseCode("TAG", Optional.of(tag));
    }
}
