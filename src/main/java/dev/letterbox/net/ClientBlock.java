package dev.letterbox.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The unit in which clients are counted: an IPv4 address, or an IPv6 /64. One IPv6 subscriber
 * usually holds a whole /64 (RFC 6177) and can pick a new address from it for every connection, so
 * counting IPv6 addresses one by one would let one host look like billions.
 */
public final class ClientBlock {
    private static final int IPV6_PREFIX_BYTES = 8;

    private ClientBlock() {}

    /** {@code address} itself for IPv4, its /64 network address for IPv6. */
    public static InetAddress of(InetAddress address) {
        if (!(address instanceof Inet6Address)) return address;
        byte[] bytes = address.getAddress();
        Arrays.fill(bytes, IPV6_PREFIX_BYTES, bytes.length, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }
}
