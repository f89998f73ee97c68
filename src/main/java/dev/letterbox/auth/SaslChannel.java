package dev.letterbox.auth;

import java.io.IOException;

/**
 * How a protocol carries a SASL exchange (RFC 4422 §4): IMAP's "+ data" and response lines, POP3's
 * "+ data", SMTP's "334 data", ManageSieve's strings. The data is raw here; base64 is the protocol's.
 */
public interface SaslChannel {
    /**
     * Sends {@code challenge} and returns the client's response; null when the client cancelled the
     * exchange ("*"). Throws {@link Malformed} for a response that is not base64 (or too long).
     */
    byte[] exchange(byte[] challenge) throws IOException, Malformed;

    /** A response the protocol could not even decode. */
    final class Malformed extends Exception {
        public Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
