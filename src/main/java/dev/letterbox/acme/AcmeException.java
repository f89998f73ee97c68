package dev.letterbox.acme;

/** The ACME server refused or failed a step; the message says which and why (its problem document). */
public final class AcmeException extends Exception {
    public AcmeException(String message) {
        super(message);
    }
}
