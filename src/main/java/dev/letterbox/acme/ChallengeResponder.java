package dev.letterbox.acme;

/**
 * How the server proves it controls a name (RFC 8555 §8): it offers the answer while the CA looks,
 * then withdraws it.
 */
interface ChallengeResponder {
    /** The challenge type this responder answers: "http-01" or "tls-alpn-01". */
    String type();

    void open(String name, String token, String keyAuthorization) throws AcmeException;

    void close(String name, String token);
}
