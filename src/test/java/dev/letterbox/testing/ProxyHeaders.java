package dev.letterbox.testing;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * PROXY protocol headers as a load balancer sends them, written from haproxy's proxy-protocol.txt
 * (§2.1 text, §2.2 binary) for tests that play the proxy themselves.
 */
public final class ProxyHeaders {
    /** §2.2: the 12-byte v2 signature. */
    public static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeaders() {}

    /** v2 PROXY over TCP from {@code client} to {@code server} (both of one family), plus {@code tlvs}. */
    public static byte[] v2(InetSocketAddress client, InetSocketAddress server, byte[] tlvs) {
        boolean v4 = client.getAddress() instanceof Inet4Address;
        ByteArrayOutputStream addresses = new ByteArrayOutputStream();
        addresses.writeBytes(client.getAddress().getAddress());
        addresses.writeBytes(server.getAddress().getAddress());
        addresses.write(client.getPort() >> 8);
        addresses.write(client.getPort());
        addresses.write(server.getPort() >> 8);
        addresses.write(server.getPort());
        addresses.writeBytes(tlvs);
        return v2(0x21, v4 ? 0x11 : 0x21, addresses.toByteArray());
    }

    public static byte[] v2(InetSocketAddress client, InetSocketAddress server) {
        return v2(client, server, new byte[0]);
    }

    /** v2 LOCAL (the proxy's own connection, a health check): no addresses. */
    public static byte[] v2Local() {
        return v2(0x20, 0x00, new byte[0]);
    }

    /** A v2 header from its parts: version/command byte, family/transport byte, then the body. */
    public static byte[] v2(int versionCommand, int familyTransport, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(versionCommand);
        out.write(familyTransport);
        out.write(body.length >> 8);
        out.write(body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** A TLV: type, two length bytes, value. */
    public static byte[] tlv(int type, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        out.write(value.length >> 8);
        out.write(value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    /** v1: "PROXY TCP4|TCP6 client server cport sport\r\n". */
    public static byte[] v1(InetSocketAddress client, InetSocketAddress server) {
        String family = client.getAddress() instanceof Inet4Address ? "TCP4" : "TCP6";
        return ("PROXY " + family + " " + client.getAddress().getHostAddress() + " " + server.getAddress().getHostAddress()
                + " " + client.getPort() + " " + server.getPort() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public static InetSocketAddress address(String literal, int port) {
        try {
            return new InetSocketAddress(java.net.InetAddress.getByName(literal), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
