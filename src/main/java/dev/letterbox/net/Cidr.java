package dev.letterbox.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** An address block such as {@code 192.0.2.0/24} or {@code 2001:db8::/32}; a bare address is a block of one. */
public record Cidr(byte[] network, int prefixLength) {
    /** Parses "address" or "address/length" of a literal IPv4 or IPv6 address; empty when it is not one. */
    public static Optional<Cidr> parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressText = slash < 0 ? s : s.substring(0, slash);
        if (addressText.isEmpty() || !addressText.matches("[0-9a-fA-F:.]+")) return Optional.empty(); // never a DNS lookup
        byte[] address;
        try {
            address = InetAddress.getByName(addressText).getAddress();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        int max = address.length * 8;
        int length = max;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (length < 0 || length > max) return Optional.empty();
        }
        return Optional.of(new Cidr(address, length));
    }

    /** True when {@code address} (of the same family) lies in this block. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) return false;
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) return false;
        }
        int rest = prefixLength % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }
}
