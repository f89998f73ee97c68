package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.ScramKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** SCRAM-SHA-256's arithmetic against the example exchange of RFC 7677 §3. */
class ScramTest {
    // RFC 7677 §3: user "user", password "pencil"
    private static final String CLIENT_FIRST_BARE = "n=user,r=rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL_WITHOUT_PROOF = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final String PROOF = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_SIGNATURE = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static byte[] authMessage() {
        return (CLIENT_FIRST_BARE + "," + SERVER_FIRST + "," + CLIENT_FINAL_WITHOUT_PROOF).getBytes(StandardCharsets.UTF_8);
    }

    private static ScramKeys pencil() {
        return Scram.keys("pencil".toCharArray(), Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
    }

    @Test
    void theRfc7677ProofIsAcceptedAndTheServerSignatureMatches() {
        ScramKeys keys = pencil();
        assertTrue(Scram.proofMatches(keys, authMessage(), Base64.getDecoder().decode(PROOF)));
        assertArrayEquals(Base64.getDecoder().decode(SERVER_SIGNATURE), Scram.serverSignature(keys, authMessage()));
    }

    @Test
    void anotherPasswordOrATamperedMessageIsRefused() {
        ScramKeys other = Scram.keys("pencil2".toCharArray(), Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        assertFalse(Scram.proofMatches(other, authMessage(), Base64.getDecoder().decode(PROOF)));
        byte[] tampered = authMessage();
        tampered[tampered.length - 1] ^= 1;
        assertFalse(Scram.proofMatches(pencil(), tampered, Base64.getDecoder().decode(PROOF)));
        assertFalse(Scram.proofMatches(pencil(), authMessage(), new byte[31]), "a proof of the wrong length");
    }

    @Test
    void saslPrepMapsNonAsciiSpacesAndDropsSoftHyphens() {
        assertArrayEquals("a b".toCharArray(), Scram.saslPrep("a\u00a0b".toCharArray()));
        assertArrayEquals("ab".toCharArray(), Scram.saslPrep("a\u00adb".toCharArray()));
        assertArrayEquals("IX".toCharArray(), Scram.saslPrep("\u2168".toCharArray()), "NFKC: roman numeral nine");
    }
}
