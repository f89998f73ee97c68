package dev.letterbox.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IpNetworkTest {
    private static boolean in(String network, String address) throws Exception {
        return IpNetwork.parse(network).orElseThrow().contains(InetAddress.getByName(address));
    }

    private static boolean loopback(String address) throws Exception {
        InetAddress a = InetAddress.getByName(address);
        return IpNetwork.LOOPBACK.stream().anyMatch(n -> n.contains(a));
    }

    @Test
    void parsesCidrAndSingleAddresses() {
        assertEquals("10.0.0.0/8", IpNetwork.parse("10.1.2.3/8").orElseThrow().toString(), "host bits cleared");
        assertEquals("192.0.2.7/32", IpNetwork.parse("192.0.2.7").orElseThrow().toString());
        assertEquals("2001:db8:0:0:0:0:0:0/32", IpNetwork.parse("2001:db8::/32").orElseThrow().toString());
        assertEquals("0.0.0.0/0", IpNetwork.parse("0.0.0.0/0").orElseThrow().toString());
        for (String bad : List.of("", "localhost", "example.com/24", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1",
                "10.0.0/8", "[::1]", "fe80::1%eth0", "::ffff:10.0.0.1/104", "10.0.0.0/8/8")) {
            assertEquals(Optional.empty(), IpNetwork.parse(bad), bad);
        }
    }

    @Test
    void containsComparesThePrefixOnly() throws Exception {
        assertTrue(in("10.0.0.0/8", "10.255.0.1"));
        assertFalse(in("10.0.0.0/8", "11.0.0.1"));
        assertTrue(in("192.168.4.0/22", "192.168.7.255"));
        assertFalse(in("192.168.4.0/22", "192.168.8.0"));
        assertTrue(in("2001:db8::/32", "2001:db8:ffff::1"));
        assertFalse(in("2001:db8::/32", "2001:db9::1"));
        assertTrue(in("0.0.0.0/0", "203.0.113.9"));
        assertFalse(in("0.0.0.0/0", "2001:db8::1"), "families never mix");
        assertFalse(in("::/0", "203.0.113.9"));
    }

    @Test
    void loopbackIsOnlyLoopback() throws Exception {
        assertTrue(loopback("127.0.0.1"));
        assertTrue(loopback("127.200.3.4"));
        assertTrue(loopback("::1"));
        assertTrue(loopback("::ffff:127.0.0.1"), "an IPv4 client on a dual-stack socket");
        for (String outside : List.of("128.0.0.1", "10.0.0.1", "192.0.2.1", "0.0.0.0", "::", "::2", "2001:db8::1",
                "fe80::1", "::ffff:192.0.2.1")) {
            assertFalse(loopback(outside), outside);
        }
    }
}
