package dev.letterbox.spf;

import java.net.Inet6Address;
import java.net.InetAddress;

/** The text forms of a client address that SPF macros and header fields need. */
final class IpText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private IpText() {}

    /**
     * %{i} (RFC 7208 §7.3): dotted quad for IPv4; for IPv6 the 32 nibbles dot-separated, most
     * significant first (so %{ir} is the ip6.arpa order), lower case as in the §7.4 example.
     */
    static String dotted(InetAddress ip) {
        byte[] b = ip.getAddress();
        StringBuilder sb = new StringBuilder(64);
        if (!(ip instanceof Inet6Address)) {
            for (int i = 0; i < b.length; i++) {
                if (i > 0) sb.append('.');
                sb.append(b[i] & 0xFF);
            }
            return sb.toString();
        }
        for (int i = 0; i < b.length; i++) {
            if (i > 0) sb.append('.');
            sb.append(HEX[(b[i] >> 4) & 0xF]).append('.').append(HEX[b[i] & 0xF]);
        }
        return sb.toString();
    }

    /**
     * %{c} and Received-SPF's client-ip: dotted quad, or IPv6 in the RFC 5952 canonical form
     * (lower case, no leading zeros, the longest run of two or more zero groups as "::").
     */
    static String readable(InetAddress ip) {
        if (!(ip instanceof Inet6Address)) return dotted(ip);
        byte[] b = ip.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        int bestStart = -1, bestLength = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
