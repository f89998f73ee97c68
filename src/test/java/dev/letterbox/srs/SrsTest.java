package dev.letterbox.srs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SRS0/SRS1 forms, signatures, timestamps and case changes, table-style; no server. */
class SrsTest {
    static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    static final byte[] SECRET = "the first secret, long enough".getBytes(StandardCharsets.UTF_8);
    static final byte[] OLD_SECRET = "an older secret, still accepted".getBytes(StandardCharsets.UTF_8);

    static Srs srs(String domain, Instant now, byte[]... secrets) {
        return new Srs(domain, List.of(secrets), 21, Clock.fixed(now, ZoneOffset.UTC));
    }

    static final Srs FWD = srs("fwd.example", NOW, SECRET);

    static Stream<Arguments> roundTrips() {
        return Stream.of(
                Arguments.of("alice@orig.example"),
                Arguments.of("Alice.Smith+tag@Orig.Example"),
                Arguments.of("a=b=c@orig.example"),       // '=' in the local part survives
                Arguments.of("user@sub.orig.example"),
                Arguments.of("jörg@orig.example"));        // SMTPUTF8 local part
    }

    @ParameterizedTest
    @MethodSource("roundTrips")
    void srs0RoundTrips(String sender) {
        String rewritten = FWD.forward(sender);
        assertTrue(rewritten.startsWith("SRS0="), rewritten);
        assertTrue(rewritten.endsWith("@fwd.example"), rewritten);
        int at = sender.lastIndexOf('@');
        String expectedTail = "=" + sender.substring(at + 1) + "=" + sender.substring(0, at) + "@fwd.example";
        assertTrue(rewritten.endsWith(expectedTail), rewritten);
        assertEquals(new SrsReversal.Valid(sender), FWD.reverse(rewritten));
    }

    @Test
    void theFormIsHashTimestampDomainLocal() {
        String rewritten = FWD.forward("alice@orig.example");
        String[] parts = rewritten.substring(0, rewritten.indexOf('@')).split("=");
        assertEquals(5, parts.length, rewritten);
        assertEquals("SRS0", parts[0]);
        assertTrue(parts[1].matches("[A-Z2-7]{6}"), "six base32 characters: " + parts[1]);
        int day = (int) (NOW.getEpochSecond() / 86_400 % 1024);
        assertEquals(Srs.timestamp(day), parts[2]);
        assertEquals(day, Srs.decodeTimestamp(parts[2].toLowerCase(Locale.ROOT)));
    }

    /** A local part's case may change on the way: any case of the whole address still reverses. */
    @Test
    void caseChangesInTransitDoNotMatter() {
        String rewritten = FWD.forward("Alice@Orig.Example");
        assertEquals(new SrsReversal.Valid("alice@orig.example"), FWD.reverse(rewritten.toLowerCase(Locale.ROOT)));
        assertEquals(new SrsReversal.Valid("ALICE@ORIG.EXAMPLE"), FWD.reverse(rewritten.toUpperCase(Locale.ROOT)));
    }

    @Test
    void anSrs0OfAnotherForwarderBecomesSrs1AndReversesToIt() {
        Srs first = srs("first.example", NOW, "another forwarder's secret".getBytes(StandardCharsets.UTF_8));
        String srs0 = first.forward("alice@orig.example");
        String srs1 = FWD.forward(srs0);
        String srs0Body = srs0.substring(4, srs0.indexOf('@')); // "=HHHHHH=TT=orig.example=alice"
        assertTrue(srs1.matches("SRS1=[A-Z2-7]{6}=first\\.example=" + java.util.regex.Pattern.quote(srs0Body) + "@fwd\\.example"), srs1);
        assertTrue(srs1.contains("=first.example==" ), "the double separator of the convention: " + srs1);
        SrsReversal back = FWD.reverse(srs1);
        assertEquals(new SrsReversal.Valid(srs0), back, "the bounce goes straight to the first forwarder");
        assertEquals(new SrsReversal.Valid("alice@orig.example"), first.reverse(srs0));
    }

    @Test
    void anSrs1ForwardedAgainKeepsTheFirstForwarder() {
        Srs first = srs("first.example", NOW, "another forwarder's secret".getBytes(StandardCharsets.UTF_8));
        Srs second = srs("second.example", NOW, "a third secret of some length".getBytes(StandardCharsets.UTF_8));
        String srs0 = first.forward("alice@orig.example");
        String viaSecond = second.forward(srs0);
        String viaUs = FWD.forward(viaSecond);
        assertTrue(viaUs.startsWith("SRS1=") && viaUs.endsWith("@fwd.example"), viaUs);
        assertEquals(new SrsReversal.Valid(srs0), FWD.reverse(viaUs), "second.example is skipped on the way back");
    }

    @Test
    void otherSeparatorsAfterTheTagAreUnderstood() {
        String srs0 = "SRS0+xyzw=TT=orig.example=alice@first.example"; // libsrs2 may use '+' or '-'
        String srs1 = FWD.forward(srs0);
        assertTrue(srs1.contains("=first.example=+xyzw=TT="), srs1);
        assertEquals(new SrsReversal.Valid(srs0), FWD.reverse(srs1));
    }

    @Test
    void aForgedHashIsRefused() {
        String rewritten = FWD.forward("alice@orig.example");
        String forgedTarget = rewritten.replace("=alice@", "=mallory@");
        assertInstanceOf(SrsReversal.Forged.class, FWD.reverse(forgedTarget), "the hash covers the local part");
        String otherDomain = rewritten.replace("=orig.example=", "=victim.example=");
        assertInstanceOf(SrsReversal.Forged.class, FWD.reverse(otherDomain), "and the domain");
        String[] p = rewritten.split("=");
        String otherHash = rewritten.replace("=" + p[1] + "=", "=" + (p[1].startsWith("A") ? "B" : "A") + p[1].substring(1) + "=");
        assertInstanceOf(SrsReversal.Forged.class, FWD.reverse(otherHash));
        assertInstanceOf(SrsReversal.Forged.class, FWD.reverse("SRS0=AAAAAA=AB=orig.example=alice@fwd.example"));
        Srs otherSecret = srs("fwd.example", NOW, "somebody else's secret value".getBytes(StandardCharsets.UTF_8));
        assertInstanceOf(SrsReversal.Forged.class, otherSecret.reverse(rewritten), "signed with a secret we do not have");
        String srs1 = FWD.forward("SRS0=abcd=TT=orig.example=alice@first.example");
        assertInstanceOf(SrsReversal.Forged.class, FWD.reverse(srs1.replace("=first.example=", "=victim.example=")));
    }

    @Test
    void aTimestampChangedToLookNewerIsAForgeryNotAnExtension() {
        Srs thirtyDaysAgo = srs("fwd.example", NOW.minus(Duration.ofDays(30)), SECRET);
        String old = thirtyDaysAgo.forward("alice@orig.example");
        int today = (int) (NOW.getEpochSecond() / 86_400 % 1024);
        String refreshed = old.replace("=" + Srs.timestamp((today - 30) & 1023) + "=", "=" + Srs.timestamp(today) + "=");
        assertInstanceOf(SrsReversal.Forged.class, FWD.reverse(refreshed));
    }

    @Test
    void addressesOlderThanTheMaximumAgeHaveExpired() {
        Srs ago21 = srs("fwd.example", NOW.minus(Duration.ofDays(21)), SECRET);
        Srs ago22 = srs("fwd.example", NOW.minus(Duration.ofDays(22)), SECRET);
        Srs tomorrow = srs("fwd.example", NOW.plus(Duration.ofDays(1)), SECRET);
        Srs in2days = srs("fwd.example", NOW.plus(Duration.ofDays(2)), SECRET);
        assertInstanceOf(SrsReversal.Valid.class, FWD.reverse(ago21.forward("alice@orig.example")), "21 days is still in");
        assertEquals(new SrsReversal.Expired(22), FWD.reverse(ago22.forward("alice@orig.example")));
        assertInstanceOf(SrsReversal.Valid.class, FWD.reverse(tomorrow.forward("alice@orig.example")),
                "a day ahead: another node's clock past midnight");
        assertInstanceOf(SrsReversal.Expired.class, FWD.reverse(in2days.forward("alice@orig.example")));
        Srs wrapped = srs("fwd.example", NOW.minus(Duration.ofDays(1024)), SECRET);
        assertInstanceOf(SrsReversal.Valid.class, FWD.reverse(wrapped.forward("alice@orig.example")),
                "ten bits of days: 1024 days ago looks like today (as in every SRS implementation)");
    }

    @Test
    void rotatedSecretsSignWithTheFirstAndAcceptAll() {
        Srs before = srs("fwd.example", NOW, OLD_SECRET);
        Srs after = srs("fwd.example", NOW, SECRET, OLD_SECRET);
        String signedBefore = before.forward("alice@orig.example");
        assertEquals(new SrsReversal.Valid("alice@orig.example"), after.reverse(signedBefore));
        assertEquals(FWD.forward("alice@orig.example"), after.forward("alice@orig.example"), "the first secret signs");
        assertInstanceOf(SrsReversal.Forged.class, FWD.reverse(signedBefore), "once dropped, the old secret is not accepted");
    }

    static Stream<Arguments> notOurs() {
        return Stream.of(
                Arguments.of("alice@fwd.example"),
                Arguments.of("SRS0=AAAAAA=AB=orig.example=alice@elsewhere.example"),
                Arguments.of("SRS2=AAAAAA=AB=orig.example=alice@fwd.example"),
                Arguments.of("SRS0alice@fwd.example"),
                Arguments.of("postmaster"));
    }

    @ParameterizedTest
    @MethodSource("notOurs")
    void ordinaryAddressesAreNotSrs(String address) {
        assertInstanceOf(SrsReversal.NotSrs.class, FWD.reverse(address));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("SRS0=AAAAAA=AB=orig.example@fwd.example"),
                Arguments.of("SRS0=AAAAAA=AB=orig.example=@fwd.example"),
                Arguments.of("SRS0==AB=orig.example=alice@fwd.example"),
                Arguments.of("SRS0=AAAAAA@fwd.example"),
                Arguments.of("SRS1=AAAAAA=first.example=@fwd.example"),
                Arguments.of("SRS1=AAAAAA@fwd.example"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void brokenSrsAddressesAreMalformed(String address) {
        assertInstanceOf(SrsReversal.Malformed.class, FWD.reverse(address));
    }

    @Test
    void aBadTimestampUnderAGoodHashIsMalformed() {
        // signed as forward() would sign, but with a timestamp that is not base32
        String h = FWD.hash("1!", "orig.example", "alice");
        assertInstanceOf(SrsReversal.Malformed.class, FWD.reverse("SRS0=" + h + "=1!=orig.example=alice@fwd.example"));
    }

    @Test
    void addressesThatNeedNoRewritingStayAsTheyAre() {
        assertEquals("alice@fwd.example", FWD.forward("alice@fwd.example"), "already at our SRS domain");
        String ours = FWD.forward("alice@orig.example");
        assertEquals(ours, FWD.forward(ours), "an SRS address of ours is not wrapped again");
        assertEquals("\"john doe\"@orig.example", FWD.forward("\"john doe\"@orig.example"), "a quoted local part cannot be encoded");
        assertEquals("postmaster", FWD.forward("postmaster"));
    }

    @Test
    void secretsFileIsCreatedOnceOwnerOnlyAndReadBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/srs-secrets");
        List<byte[]> created = SrsSecrets.loadOrCreate(file);
        assertEquals(1, created.size());
        assertTrue(created.getFirst().length >= 40, "32 random bytes in base64");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        List<byte[]> again = SrsSecrets.loadOrCreate(file);
        assertEquals(new String(created.getFirst(), StandardCharsets.UTF_8), new String(again.getFirst(), StandardCharsets.UTF_8));
        Files.writeString(file, "# rotated\nthe new secret of today\n\n" + new String(created.getFirst(), StandardCharsets.UTF_8) + "\n");
        List<byte[]> rotated = SrsSecrets.load(file);
        assertEquals("the new secret of today", new String(rotated.getFirst(), StandardCharsets.UTF_8));
        assertEquals(2, rotated.size());
        Files.writeString(file, "short\n");
        assertThrows(IOException.class, () -> SrsSecrets.load(file));
        Files.writeString(file, "# nothing\n");
        assertThrows(IOException.class, () -> SrsSecrets.load(file));
    }
}
