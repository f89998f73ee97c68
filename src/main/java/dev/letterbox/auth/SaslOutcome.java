package dev.letterbox.auth;

import java.util.Optional;

/** How a SASL exchange run by {@link LoginGuard#authenticate} ended. */
public sealed interface SaslOutcome {
    /**
     * The credentials were checked: {@code login} says how. With {@code LoggedIn}, {@code successData}
     * is what the mechanism still has to tell the client (SCRAM's server-final message): sent with
     * the success where the protocol allows (ManageSieve), else as one more challenge answered empty.
     */
    record Checked(LoginOutcome login, Optional<byte[]> successData) implements SaslOutcome {}

    /** The client asked to act as someone else (an authorization identity that is not its own). */
    record NotAuthorized() implements SaslOutcome {}

    /** The client ended the exchange with "*". */
    record Cancelled() implements SaslOutcome {}

    /** A message that breaks the mechanism's syntax or rules; {@code reason} is one line for the client. */
    record Malformed(String reason) implements SaslOutcome {}
}
