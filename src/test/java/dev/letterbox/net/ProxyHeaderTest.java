package dev.letterbox.net;

import static dev.letterbox.testing.ProxyHeaders.address;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.letterbox.testing.ProxyHeaders;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The PROXY header parser against haproxy's proxy-protocol.txt §2.1 and §2.2, table by table. */
class ProxyHeaderTest {
    private static final byte[] CLIENT_BYTES = "EHLO client.example\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final InetSocketAddress CLIENT4 = address("192.0.2.10", 56324);
    private static final InetSocketAddress SERVER4 = address("198.51.100.2", 25);
    private static final InetSocketAddress CLIENT6 = address("2001:db8::10", 40000);
    private static final InetSocketAddress SERVER6 = address("2001:db8:1::2", 993);

    /** Parses {@code header} followed by the client's first bytes, which must be left unread. */
    private static ProxyHeader parse(byte[] header) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(header);
        wire.writeBytes(CLIENT_BYTES);
        ByteArrayInputStream in = new ByteArrayInputStream(wire.toByteArray());
        ProxyHeader parsed = ProxyHeader.read(in);
        assertArrayEquals(CLIENT_BYTES, in.readAllBytes(), "the bytes after the header stay for the session");
        return parsed;
    }

    private static void assertNames(ProxyHeader h, InetSocketAddress client, InetSocketAddress server) {
        assertEquals(Optional.of(client), h.source());
        assertEquals(Optional.of(server), h.destination());
    }

    @Test
    void v2Ipv4AndIpv6NameTheClient() throws IOException {
        assertNames(parse(ProxyHeaders.v2(CLIENT4, SERVER4)), CLIENT4, SERVER4);
        assertNames(parse(ProxyHeaders.v2(CLIENT6, SERVER6)), CLIENT6, SERVER6);
    }

    @Test
    void v2TlvsAfterTheAddressesAreSkipped() throws IOException {
        byte[] tlvs = concat(ProxyHeaders.tlv(0x01, "smtp".getBytes(StandardCharsets.US_ASCII)), // ALPN
                ProxyHeaders.tlv(0x02, "mail.example.test".getBytes(StandardCharsets.US_ASCII)), // authority
                ProxyHeaders.tlv(0x04, new byte[0])); // NOOP
        assertNames(parse(ProxyHeaders.v2(CLIENT4, SERVER4, tlvs)), CLIENT4, SERVER4);
    }

    @Test
    void v2LocalUnspecAndUnixKeepTheConnectionsOwnAddresses() throws IOException {
        assertEquals(ProxyHeader.KEEP, parse(ProxyHeaders.v2Local()));
        // LOCAL with addresses anyway: §2.2 says the receiver must ignore them
        assertEquals(ProxyHeader.KEEP, parse(ProxyHeaders.v2(0x20, 0x11, new byte[12])));
        assertEquals(ProxyHeader.KEEP, parse(ProxyHeaders.v2(0x21, 0x00, new byte[0]))); // PROXY, UNSPEC
        assertEquals(ProxyHeader.KEEP, parse(ProxyHeaders.v2(0x21, 0x31, new byte[216]))); // AF_UNIX
        assertEquals(ProxyHeader.KEEP, parse(ProxyHeaders.v2(0x21, 0x12, new byte[12]))); // UDP over IPv4
    }

    @Test
    void v2HeadersThatBreakTheFormatAreRefused() {
        malformed(ProxyHeaders.v2(0x11, 0x11, new byte[12])); // version 1 in a binary header
        malformed(ProxyHeaders.v2(0x22, 0x11, new byte[12])); // command 2
        malformed(ProxyHeaders.v2(0x21, 0x11, new byte[11])); // too short for two IPv4 addresses and ports
        malformed(ProxyHeaders.v2(0x21, 0x21, new byte[35])); // too short for IPv6
        malformed(ProxyHeaders.v2(0x21, 0x11, new byte[ProxyHeader.MAX_V2_LENGTH + 1])); // over the cap
    }

    @Test
    void v2LengthOverTheCapIsRefusedBeforeReadingIt() {
        // the header claims 65535 bytes but sends none: refused at once, not after waiting for them
        byte[] header = ProxyHeaders.v2(0x21, 0x11, new byte[0]);
        header[14] = (byte) 0xFF;
        header[15] = (byte) 0xFF;
        assertThrows(ProxyHeader.MalformedException.class, () -> ProxyHeader.read(new ByteArrayInputStream(header)));
    }

    @Test
    void aTruncatedHeaderIsTheEndOfTheStream() {
        byte[] full = ProxyHeaders.v2(CLIENT4, SERVER4);
        for (int cut : new int[] {0, 5, 12, 15, full.length - 1}) {
            byte[] part = java.util.Arrays.copyOf(full, cut);
            assertThrows(EOFException.class, () -> ProxyHeader.read(new ByteArrayInputStream(part)), "cut at " + cut);
        }
        byte[] v1 = "PROXY TCP4 192.0.2.10 198.5".getBytes(StandardCharsets.US_ASCII);
        assertThrows(EOFException.class, () -> ProxyHeader.read(new ByteArrayInputStream(v1)));
    }

    @Test
    void v1Ipv4AndIpv6NameTheClient() throws IOException {
        assertNames(parse(ProxyHeaders.v1(CLIENT4, SERVER4)), CLIENT4, SERVER4);
        assertNames(parse(ProxyHeaders.v1(CLIENT6, SERVER6)), CLIENT6, SERVER6);
        assertNames(parse(ascii("PROXY TCP6 2001:db8::10 2001:db8:1::2 40000 993\r\n")), CLIENT6, SERVER6);
    }

    @Test
    void v1LongestLinesAreAccepted() throws IOException {
        // §2.1: the worst case is UNKNOWN with two full IPv6 addresses, 107 bytes
        String full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] unknown = ascii("PROXY UNKNOWN " + full + " " + full + " 65535 65535\r\n");
        assertEquals(ProxyHeader.MAX_V1_LENGTH, unknown.length);
        assertEquals(ProxyHeader.KEEP, parse(unknown));
        assertEquals(65535, parse(ascii("PROXY TCP6 " + full + " " + full + " 65535 65535\r\n")).source().orElseThrow().getPort());
        malformed(ascii("PROXY UNKNOWN " + full + " " + full + " 65535 655350\r\n")); // 108 bytes
    }

    @Test
    void v1UnknownKeepsTheConnectionsOwnAddresses() throws IOException {
        assertEquals(ProxyHeader.KEEP, parse(ascii("PROXY UNKNOWN\r\n")));
        assertEquals(ProxyHeader.KEEP, parse(ascii("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "PROXY TCP4 192.0.2.10 198.51.100.2 56324 25\n", // LF without CR
            "PROXY TCP4 192.0.2.10 198.51.100.2 56324\r\n", // a port missing
            "PROXY TCP4  192.0.2.10 198.51.100.2 56324 25\r\n", // two spaces
            "PROXY TCP4 999.0.2.10 198.51.100.2 56324 25\r\n", // not an IPv4 address
            "PROXY TCP4 localhost 198.51.100.2 56324 25\r\n", // a name: never looked up
            "PROXY TCP4 2001:db8::1 198.51.100.2 56324 25\r\n", // IPv6 in TCP4
            "PROXY TCP6 192.0.2.10 2001:db8::2 56324 25\r\n", // IPv4 in TCP6
            "PROXY TCP6 fe80::1%eth0 2001:db8::2 56324 25\r\n", // a scope
            "PROXY TCP4 192.0.2.10 198.51.100.2 70000 25\r\n", // port out of range
            "PROXY UDP4 192.0.2.10 198.51.100.2 56324 25\r\n", // not TCP
            "PROXY TCP4 192\r\n", // ends before 12 bytes could tell... and is nonsense anyway
            "EHLO client.example\r\n", // no header at all
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n", // no header at all
    })
    void v1LinesThatBreakTheFormatAreRefused(String line) {
        malformed(ascii(line));
    }

    @Test
    void v1LineLongerThan107BytesIsRefusedWithoutReadingOn() {
        byte[] endless = ascii("PROXY TCP4 " + "1".repeat(10_000));
        ByteArrayInputStream in = new ByteArrayInputStream(endless);
        assertThrows(ProxyHeader.MalformedException.class, () -> ProxyHeader.read(in));
        assertEquals(endless.length - ProxyHeader.MAX_V1_LENGTH, in.available(), "read no further than 107 bytes");
    }

    private static void malformed(byte[] header) {
        assertThrows(ProxyHeader.MalformedException.class, () -> parse(header), new String(header, StandardCharsets.ISO_8859_1));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
