package dev.letterbox.managesieve.server;

import dev.letterbox.managesieve.SieveWriter;
import java.io.IOException;

/** The capability lines (RFC 5804 §1.7) of the greeting, of CAPABILITY and of the answer to STARTTLS. */
final class Capabilities {
    /**
     * The Sieve extensions announced in "SIEVE". This list stands in for the one the Sieve compiler
     * will give (the extensions it implements); clients offer in their editors what is listed here.
     */
    static final String SIEVE_EXTENSIONS = String.join(" ", dev.letterbox.sieve.SieveScript.EXTENSIONS);

    private Capabilities() {}

    static void write(ManageSieveSession s, SieveWriter out) throws IOException {
        out.capability("IMPLEMENTATION", "Letterbox");
        // §1.7: the mechanisms usable now; none until TLS when passwords may not travel in the clear
        out.capability("SASL", s.plaintextAllowed()
                ? "PLAIN " + String.join(" ", dev.letterbox.auth.LoginGuard.scramMechanisms(s.conn.canBindChannel())) : "");
        out.capability("SIEVE", SIEVE_EXTENSIONS);
        if (!s.conn.isTls() && s.account == null) out.capability("STARTTLS", null);
        out.capability("MAXREDIRECTS", Integer.toString(s.service.config.maxRedirects()));
        // no NOTIFY: the "enotify" extension is not offered, so there are no notification methods
        if (s.account != null) out.capability("OWNER", s.account.address());
        out.capability("UNAUTHENTICATE", null);
        out.capability("VERSION", "1.0");
    }
}
