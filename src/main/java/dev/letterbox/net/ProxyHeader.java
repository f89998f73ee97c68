package dev.letterbox.net;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PROXY protocol header a load balancer (haproxy {@code send-proxy-v2} or {@code send-proxy})
 * puts before the client's first byte, telling who the client really is. Format: haproxy's
 * proxy-protocol.txt, §2.1 (v1, one text line) and §2.2 (v2, binary).
 *
 * <p>{@link #read} takes exactly the header's bytes from the stream and not one more: what follows
 * is the client's (a TLS ClientHello, an SMTP command) and must reach the next reader untouched.
 * Everything is bounded: a v1 line by its 107 bytes, a v2 header by {@link #MAX_V2_LENGTH}.
 *
 * @param source the client, or empty when the proxy says to keep the connection's own endpoints
 *               (v2 LOCAL, such as a health check; v2 UNSPEC or UNIX family; v1 UNKNOWN)
 * @param destination the address the client connected to on the proxy, empty with {@code source}
 */
record ProxyHeader(Optional<InetSocketAddress> source, Optional<InetSocketAddress> destination) {
    /** §2.2: "\r\n\r\n\0\r\nQUIT\n". */
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** §2.1: the longest v1 line, "PROXY TCP6 " and two full IPv6 addresses and ports, CRLF included. */
    static final int MAX_V1_LENGTH = 107;
    /**
     * Longest v2 address-and-TLV block accepted. The spec's own figure for a header without TLVs is
     * 216 bytes (UNIX family); haproxy's TLVs (ALPN, SNI, TLS details, unique id) stay well under this.
     */
    static final int MAX_V2_LENGTH = 4096;

    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern V1_LINE = Pattern.compile("PROXY (TCP4|TCP6) (\\S+) (\\S+) (\\d{1,5}) (\\d{1,5})");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F.]*:[0-9a-fA-F:.]*");

    /** Keep the connection's own endpoints. */
    static final ProxyHeader KEEP = new ProxyHeader(Optional.empty(), Optional.empty());

    /** A header that breaks the format; the connection must be closed (the stream is out of step). */
    static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    /** Reads one v1 or v2 header from the start of {@code in}. End of stream is an {@link EOFException}. */
    static ProxyHeader read(InputStream in) throws IOException {
        // the shortest v1 line, "PROXY UNKNOWN\r\n", has 15 bytes: 12 are always the header's
        byte[] start = readExactly(in, V2_SIGNATURE.length);
        if (Arrays.equals(start, V2_SIGNATURE)) return readV2(in);
        if (Arrays.equals(start, 0, V1_PREFIX.length, V1_PREFIX, 0, V1_PREFIX.length)) return readV1(in, start);
        throw new MalformedException("no PROXY protocol header: the connection did not start with one");
    }

    /** §2.2, after the signature: version and command, family and transport, length, addresses, TLVs. */
    private static ProxyHeader readV2(InputStream in) throws IOException {
        byte[] fixed = readExactly(in, 4);
        int version = (fixed[0] & 0xF0) >> 4;
        int command = fixed[0] & 0x0F;
        int family = (fixed[1] & 0xF0) >> 4;
        int transport = fixed[1] & 0x0F;
        int length = ((fixed[2] & 0xFF) << 8) | (fixed[3] & 0xFF);
        if (version != 2) throw new MalformedException("PROXY v2 header with version " + version);
        if (command > 1) throw new MalformedException("PROXY v2 header with unknown command " + command);
        if (length > MAX_V2_LENGTH) {
            throw new MalformedException("PROXY v2 header of " + length + " bytes, more than " + MAX_V2_LENGTH);
        }
        byte[] body = readExactly(in, length); // addresses, then TLVs, which are skipped
        boolean local = command == 0;
        if (local) return KEEP; // the proxy's own connection (a health check): its address is the real one
        int addressBytes = switch (family) {
            case 1 -> 4;
            case 2 -> 16;
            default -> 0; // UNSPEC or UNIX: no IP to tell, keep the socket's
        };
        if (addressBytes == 0 || transport != 1) return KEEP; // not a TCP client
        int needed = 2 * addressBytes + 4;
        if (length < needed) {
            throw new MalformedException("PROXY v2 header too short for its addresses: " + length + " < " + needed);
        }
        InetAddress src = InetAddress.getByAddress(Arrays.copyOfRange(body, 0, addressBytes));
        InetAddress dst = InetAddress.getByAddress(Arrays.copyOfRange(body, addressBytes, 2 * addressBytes));
        int srcPort = ((body[2 * addressBytes] & 0xFF) << 8) | (body[2 * addressBytes + 1] & 0xFF);
        int dstPort = ((body[2 * addressBytes + 2] & 0xFF) << 8) | (body[2 * addressBytes + 3] & 0xFF);
        return new ProxyHeader(Optional.of(new InetSocketAddress(src, srcPort)),
                Optional.of(new InetSocketAddress(dst, dstPort)));
    }

    /** §2.1: "PROXY TCP4 192.0.2.1 198.51.100.2 56324 25\r\n", single spaces, at most 107 bytes. */
    private static ProxyHeader readV1(InputStream in, byte[] start) throws IOException {
        byte[] line = Arrays.copyOf(start, MAX_V1_LENGTH);
        int n = start.length;
        if (indexOf(line, n, (byte) '\n') >= 0) throw new MalformedException("PROXY v1 line ends too early");
        // byte by byte, so nothing after the line is taken from the client (at most ~100 short reads, once)
        while (line[n - 1] != '\n') {
            if (n == MAX_V1_LENGTH) throw new MalformedException("PROXY v1 line longer than " + MAX_V1_LENGTH + " bytes");
            int b = in.read();
            if (b < 0) throw new EOFException("end of stream inside the PROXY v1 line");
            line[n++] = (byte) b;
        }
        if (n < 2 || line[n - 2] != '\r') throw new MalformedException("PROXY v1 line not ended by CRLF");
        String text = new String(line, 0, n - 2, StandardCharsets.US_ASCII);
        if (text.startsWith("PROXY UNKNOWN")) return KEEP; // §2.1: the rest of the line is ignored
        Matcher m = V1_LINE.matcher(text);
        if (!m.matches()) throw new MalformedException("PROXY v1 line not understood");
        boolean v4 = m.group(1).equals("TCP4");
        InetAddress src = literal(m.group(2), v4);
        InetAddress dst = literal(m.group(3), v4);
        return new ProxyHeader(Optional.of(new InetSocketAddress(src, port(m.group(4)))),
                Optional.of(new InetSocketAddress(dst, port(m.group(5)))));
    }

    /** An address literal of the family the line names; the patterns make sure it is never a DNS lookup. */
    private static InetAddress literal(String text, boolean v4) throws MalformedException {
        boolean shaped = (v4 ? IPV4 : IPV6).matcher(text).matches(); // no scope id, no brackets
        try {
            // a dotted quad is built by hand: getByName would take "999.1.1.1" for a host name
            InetAddress address = !shaped ? null : v4 ? InetAddress.getByAddress(dottedQuad(text)) : InetAddress.getByName(text);
            // "::ffff:192.0.2.1" is an IPv4 address to Java; TCP6 with it is still the same client
            if (address != null && (!v4 || address instanceof Inet4Address)) return address;
        } catch (UnknownHostException e) {
            // not an address after all
        }
        throw new MalformedException("PROXY v1 line with a bad " + (v4 ? "IPv4" : "IPv6") + " address");
    }

    /** Four decimal octets (the pattern has checked the shape), or null when one exceeds 255. */
    private static byte[] dottedQuad(String text) throws UnknownHostException {
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(parts[i]);
            if (octet > 255) throw new UnknownHostException(text);
            bytes[i] = (byte) octet;
        }
        return bytes;
    }

    private static int port(String digits) throws MalformedException {
        int port = Integer.parseInt(digits); // at most 5 digits: fits
        if (port > 65535) throw new MalformedException("PROXY v1 line with port " + port);
        return port;
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) throw new EOFException("end of stream inside the PROXY header");
        return bytes;
    }

    private static int indexOf(byte[] bytes, int end, byte b) {
        for (int i = 0; i < end; i++) {
            if (bytes[i] == b) return i;
        }
        return -1;
    }
}
