package dev.letterbox.spf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import org.xbill.DNS.Address;

/**
 * An address range of an ip4/ip6 mechanism, or one address widened by a/mx CIDR lengths
 * (RFC 7208 §5.6). Kept as bytes: Java turns an IPv4-mapped IPv6 literal into an IPv4 address,
 * but "ip6:::ffff:1.2.3.4" is an IPv6 range that an IPv4 client never matches (§5/9).
 */
record Network(byte[] address, int prefix) {

    /** True when {@code client} is of this range's family and inside it. */
    boolean contains(InetAddress client) {
        byte[] c = client.getAddress();
        if (c.length != address.length) return false;
        int full = prefix / 8;
        for (int i = 0; i < full; i++) if (c[i] != address[i]) return false;
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (c[full] & mask) == (address[full] & mask);
    }

    /** ip4-network: dotted quad, no leading zeros, nothing omitted (§5.6); null when malformed. */
    static byte[] parseIp4(String s) {
        return Address.toByteArray(s, Address.IPv4); // dnsjava's parser refuses leading zeros and short forms
    }

    /** ip6-network: RFC 4291 §2.2 text; null when malformed. */
    static byte[] parseIp6(String s) {
        // dnsjava's parser takes more than four hex digits a group and non-ASCII digits; the RFC does not.
        int groupLength = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
            if (!hex && ch != ':' && ch != '.') return null;
            groupLength = hex ? groupLength + 1 : 0;
            if (groupLength > 4) return null;
        }
        return Address.toByteArray(s, Address.IPv6);
    }

    /** True for an IPv6 client; IPv4-mapped clients arrive as IPv4 from Java already. */
    static boolean isIp6(InetAddress client) {
        return client instanceof Inet6Address;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Network n && n.prefix == prefix && Arrays.equals(n.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + prefix;
    }

    @Override
    public String toString() {
        return Arrays.toString(address) + "/" + prefix;
    }
}
