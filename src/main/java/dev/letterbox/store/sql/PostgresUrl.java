package dev.letterbox.store.sql;

import dev.letterbox.store.StoreException;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code [store] url}, read the way libpq reads a connection URI:
 * {@code postgresql://user@host:port/database?param=value}. A host that starts with {@code /} is
 * the directory of the server's Unix-domain socket, given either percent-encoded in the host part
 * ({@code postgresql://letterbox@%2Fvar%2Frun%2Fpostgresql/letterbox}) or as the {@code host}
 * parameter ({@code postgresql:///letterbox?host=/var/run/postgresql}), as with {@code psql}.
 *
 * @param user        who connects ({@code letterbox} when the URL names nobody)
 * @param host        the server's name or address, or the socket's directory
 * @param port        the server's port; with a socket directory, the number in the socket's name
 * @param database    the database ({@code letterbox} when the URL names none)
 * @param parameters  the query's other parameters, still encoded, passed on to the driver
 */
record PostgresUrl(String user, String host, int port, String database, List<String> parameters) {
    static final int DEFAULT_PORT = 5432;
    private static final String DEFAULT_NAME = "letterbox";

    static PostgresUrl parse(String url) {
        String prefix = url.startsWith("postgresql://") ? "postgresql://" : url.startsWith("postgres://") ? "postgres://" : null;
        if (prefix == null) throw new StoreException("not a database URL (postgresql://…): " + url);
        String rest = url.substring(prefix.length());
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String database = slash < 0 ? "" : decode(rest.substring(slash + 1), url);

        String user = "";
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            user = decode(authority.substring(0, at), url);
            if (user.contains(":")) throw new StoreException("put the database password in [store] password_file, not in the URL");
            authority = authority.substring(at + 1);
        }
        String host;
        String port = "";
        if (authority.startsWith("[")) { // an IPv6 literal
            int end = authority.indexOf(']');
            if (end < 0) throw new StoreException("unclosed [ in the database URL " + url);
            host = authority.substring(0, end + 1);
            if (authority.length() > end + 1) {
                if (authority.charAt(end + 1) != ':') throw new StoreException("not a database URL: " + url);
                port = authority.substring(end + 2);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = decode(colon < 0 ? authority : authority.substring(0, colon), url);
            if (colon >= 0) port = authority.substring(colon + 1);
        }

        List<String> parameters = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), url);
            switch (name) {
                case "host" -> host = value;
                case "port" -> port = value;
                case "user" -> user = value;
                case "dbname" -> database = value;
                default -> parameters.add(pair);
            }
        }
        if (host.isEmpty()) throw new StoreException("no host in the database URL " + url
                + " (a server's name or address, or the directory of its Unix-domain socket)");
        return new PostgresUrl(user.isEmpty() ? DEFAULT_NAME : user, host, port(port, url),
                database.isEmpty() ? DEFAULT_NAME : database, List.copyOf(parameters));
    }

    /** Whether the host is the directory of a Unix-domain socket rather than a machine. */
    boolean viaSocketFile() {
        return host.startsWith("/");
    }

    /** The socket file PostgreSQL listens on in that directory. */
    Optional<String> socketFile() {
        return viaSocketFile() ? Optional.of(host + (host.endsWith("/") ? "" : "/") + ".s.PGSQL." + port) : Optional.empty();
    }

    /** The driver's URL: for a socket, any host (never contacted) and the socket factory with the file. */
    String jdbc() {
        List<String> all = new ArrayList<>(parameters);
        String address = host + ":" + port;
        if (viaSocketFile()) {
            address = "localhost:" + port;
            all.add("socketFactory=" + UnixSocketFactory.class.getName());
            all.add("socketFactoryArg=" + URLEncoder.encode(socketFile().orElseThrow(), StandardCharsets.UTF_8));
            all.add("sslmode=disable"); // the server refuses TLS on its socket: skip the request
        }
        return "jdbc:postgresql://" + address + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8)
                + (all.isEmpty() ? "" : "?" + String.join("&", all));
    }

    private static int port(String port, String url) {
        if (port.isEmpty()) return DEFAULT_PORT;
        try {
            int p = Integer.parseInt(port);
            if (p > 0 && p < 65536) return p;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new StoreException("not a port in the database URL " + url + ": " + port);
    }

    private static String decode(String part, String url) {
        try {
            return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new StoreException("bad %-escape in the database URL " + url, e);
        }
    }
}
