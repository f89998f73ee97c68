package dev.letterbox.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IP network in CIDR notation ("10.0.0.0/8", "2001:db8::/32", or one address: "192.0.2.7").
 * Addresses of the other family never match: an IPv4 client on a dual-stack socket reaches Java
 * as an {@link Inet4Address}, so "127.0.0.0/8" covers it.
 */
public record IpNetwork(InetAddress base, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    /** The loopback networks: 127.0.0.0/8 and ::1. */
    public static final List<IpNetwork> LOOPBACK = List.of(parse("127.0.0.0/8").orElseThrow(),
            parse("::1/128").orElseThrow());

    /**
     * The network written {@code text}; empty when it is not an IP literal with an optional
     * "/prefix" that fits its family. Host bits below the prefix are cleared ("10.1.2.3/8" is
     * 10.0.0.0/8). Never looks anything up in DNS.
     */
    public static Optional<IpNetwork> parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        boolean v4 = IPV4.matcher(address).matches();
        if (!v4 && !IPV6.matcher(address).matches()) return Optional.empty(); // a literal only: no DNS
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        if (v4 != (bytes.length == 4)) return Optional.empty(); // "::ffff:1.2.3.4" is IPv4 to Java: write it so
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!p.matches("\\d{1,3}")) return Optional.empty();
            prefix = Integer.parseInt(p);
            if (prefix > bits) return Optional.empty();
        }
        for (int i = 0; i < bytes.length; i++) bytes[i] &= mask(prefix, i);
        try {
            return Optional.of(new IpNetwork(InetAddress.getByAddress(bytes), prefix));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] b = base.getAddress();
        if (a.length != b.length) return false;
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & mask(prefixLength, i)) != (b[i] & 0xff)) return false;
        }
        return true;
    }

    /** The mask byte {@code i} of a prefix of {@code prefix} bits, as an int 0..255. */
    private static int mask(int prefix, int i) {
        int bitsHere = Math.max(0, Math.min(8, prefix - 8 * i));
        return (0xff00 >> bitsHere) & 0xff;
    }

    @Override
    public String toString() {
        return base.getHostAddress() + "/" + prefixLength;
    }
}
