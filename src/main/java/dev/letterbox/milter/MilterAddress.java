package dev.letterbox.milter;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a milter listens, written as operators write it for Postfix or Sendmail:
 * {@code inet:host:port} (a bracketed IPv6 literal is fine: {@code inet:[::1]:11332}),
 * Sendmail's {@code inet:port@host} and {@code inet6:port@host}, or a Unix socket as
 * {@code unix:/path} (also {@code local:/path}).
 */
public sealed interface MilterAddress {
    /** The address to connect to; a host name is resolved on each call. */
    SocketAddress socketAddress();

    record Inet(String host, int port) implements MilterAddress {
        public Inet {
            if (host.isEmpty()) throw new IllegalArgumentException("milter address has no host");
            if (port < 1 || port > 65_535) throw new IllegalArgumentException("milter port out of range: " + port);
        }

        @Override
        public SocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return "inet:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    record Unix(Path path) implements MilterAddress {
        @Override
        public SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /** Parses one of the forms above; the message of the exception names what is wrong. */
    static MilterAddress parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("milter address needs a scheme (inet: or unix:): " + text);
        String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = text.substring(colon + 1);
        return switch (scheme) {
            case "unix", "local" -> {
                if (rest.isEmpty()) throw new IllegalArgumentException("unix milter address has no path: " + text);
                yield new Unix(Path.of(rest));
            }
            case "inet", "inet6" -> parseInet(rest, text);
            default -> throw new IllegalArgumentException("unknown milter address scheme '" + scheme + "': " + text);
        };
    }

    private static Inet parseInet(String rest, String whole) {
        int at = rest.indexOf('@');
        String host;
        String port;
        if (at >= 0) { // Sendmail: port@host
            port = rest.substring(0, at);
            host = rest.substring(at + 1);
        } else if (rest.startsWith("[")) { // [v6]:port
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("milter address needs [host]:port: " + whole);
            }
            host = rest.substring(1, close);
            port = rest.substring(close + 2);
        } else { // host:port
            int last = rest.lastIndexOf(':');
            if (last < 0) throw new IllegalArgumentException("milter address needs host:port: " + whole);
            host = rest.substring(0, last);
            port = rest.substring(last + 1);
        }
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (!port.matches("[0-9]{1,5}")) throw new IllegalArgumentException("milter address has a bad port: " + whole);
        try {
            return new Inet(host, Integer.parseInt(port));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ": " + whole, e);
        }
    }
}
