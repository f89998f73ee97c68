package dev.letterbox.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.spf.SpfResult.Identity;
import dev.letterbox.spf.SpfResult.Result;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Received-SPF field of RFC 7208 §9.1 and the Authentication-Results text of RFC 8601. */
class ReceivedSpfTest {

    @Test
    void passLooksLikeTheRfcExample() throws Exception {
        SpfResult r = new SpfResult(Result.PASS, Identity.MAILFROM, "example.com", "myname@example.com",
                Optional.empty(), "ip4:192.0.2.0/24");
        String field = ReceivedSpf.field(r, InetAddress.getByName("192.0.2.1"), "foo.example.com", "mybox.example.org");
        assertEquals("Received-SPF: pass (mybox.example.org: domain of myname@example.com designates 192.0.2.1 as"
                + " permitted sender) receiver=mybox.example.org; client-ip=192.0.2.1; envelope-from=\"myname@example.com\";"
                + " helo=foo.example.com; identity=mailfrom; mechanism=\"ip4:192.0.2.0/24\"\r\n", unfolded(field));
        for (String line : field.split("\r\n")) assertTrue(line.length() <= 78, "folded: " + line);
        assertTrue(field.split("\r\n").length > 1, "long enough to be folded");
    }

    @Test
    void errorsNameTheProblemAndIpv6IsQuoted() throws Exception {
        SpfResult r = new SpfResult(Result.PERMERROR, Identity.HELO, "mail.example.org", "postmaster@mail.example.org",
                Optional.empty(), "more than 10 DNS lookups");
        String field = ReceivedSpf.field(r, InetAddress.getByName("2001:db8::1"), "mail.example.org", "mx.example.net");
        String unfolded = unfolded(field);
        assertTrue(unfolded.startsWith("Received-SPF: permerror (mx.example.net: permanent error in processing domain of "
                + "postmaster@mail.example.org) receiver=mx.example.net; client-ip=\"2001:db8::1\";"), unfolded);
        assertTrue(unfolded.contains("identity=helo; problem=\"more than 10 DNS lookups\"\r\n"), unfolded);
    }

    @Test
    void clientDataCannotBreakOutOfTheField() throws Exception {
        SpfResult r = new SpfResult(Result.FAIL, Identity.MAILFROM, "example.com", "evil\r\nX-Injected: yes)\"@example.com",
                Optional.empty(), "-all");
        String field = ReceivedSpf.field(r, InetAddress.getByName("192.0.2.1"), "helo\r\nX-Other: 1", "mx.example.net");
        for (String line : field.split("\r\n")) {
            assertFalse(line.startsWith("X-"), field);
            assertTrue(line.length() <= 78 || !line.contains(" "), "folded: " + line);
        }
        assertFalse(field.replace("\r\n ", "").contains("\r\n" + "X"), field);
        assertTrue(field.contains("envelope-from=\"evil??X-Injected: yes)\\\"@example.com\""), field);
        assertTrue(field.contains("yes\\)"), "a parenthesis in the comment is escaped: " + field);
        assertTrue(field.endsWith("\r\n"));
        assertEquals(1, field.split("\r\n[^ ]").length, "one field, continuation lines only");
    }

    /** RFC 5322 §2.2.3: a CRLF followed by white space is folding. */
    private static String unfolded(String field) {
        return field.replace("\r\n ", " ");
    }

    @Test
    void authenticationResultsTextNamesTheIdentityAndDomain() {
        SpfResult mailFrom = new SpfResult(Result.PASS, Identity.MAILFROM, "example.org", "a@example.org", Optional.empty(), "mx");
        assertEquals("spf=pass smtp.mailfrom=example.org", mailFrom.authResultsText());
        SpfResult helo = new SpfResult(Result.TEMPERROR, Identity.HELO, "mail.example.org", "postmaster@mail.example.org",
                Optional.empty(), "timeout");
        assertEquals("spf=temperror smtp.helo=mail.example.org", helo.authResultsText());
        assertTrue(helo.isError());
    }
}
