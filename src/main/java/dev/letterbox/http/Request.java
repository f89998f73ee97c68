package dev.letterbox.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request as the handlers see it: method, the path as decoded segments, the query parameters,
 * the host it was addressed to, and a body read only on demand and never beyond
 * {@link #MAX_BODY} bytes. Percent-decoding is strict UTF-8 and leaves {@code +} alone (it occurs
 * in addresses: {@code user+tag@example.com}).
 */
final class Request {
    static final int MAX_BODY = 64 * 1024;
    /** How much of a too-large body we still read (and drop) so the client can see our 413. */
    private static final long DRAIN_LIMIT = 1 << 20;
    private static final int MAX_PARAMETERS = 32;

    private final HttpExchange exchange;
    private final String method;
    private final String path;
    private final List<String> segments;
    private final Map<String, String> query;
    private final boolean secure;
    private final String id;

    Request(HttpExchange exchange, boolean secure, String id) {
        this.exchange = exchange;
        this.method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        this.secure = secure;
        this.id = id;
        String rawPath = exchange.getRequestURI().getRawPath();
        if (rawPath == null || !rawPath.startsWith("/")) throw new HttpError(400, "bad request target");
        this.segments = segments(rawPath);
        this.path = "/" + String.join("/", segments);
        this.query = query(exchange.getRequestURI().getRawQuery());
    }

    /** GET for HEAD too: the body is dropped when the response is sent. */
    String method() {
        return method.equals("HEAD") ? "GET" : method;
    }

    boolean isHead() {
        return method.equals("HEAD");
    }

    /** The decoded path joined again with '/', without a trailing slash: for matching fixed paths. */
    String path() {
        return path;
    }

    /** The decoded path segments ({@code /api/accounts/a%40b} -> api, accounts, a@b). */
    List<String> segments() {
        return segments;
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(query.get(name));
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    /** The token of an {@code Authorization: Bearer TOKEN} header (scheme in any case, RFC 7235 §2.1). */
    Optional<String> bearerToken() {
        String h = header("Authorization").orElse("").strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        return Optional.of(h.substring(7).strip());
    }

    /** Whether it came over TLS. */
    boolean secure() {
        return secure;
    }

    InetAddress remoteAddress() {
        return exchange.getRemoteAddress().getAddress();
    }

    String id() {
        return id;
    }

    /** The host name of the Host header, lower-case, without port or IPv6 brackets; "" when absent. */
    String host() {
        String h = header("Host").orElse("").strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close > 0 ? h.substring(1, close) : "";
        }
        int colon = h.indexOf(':');
        return colon >= 0 ? h.substring(0, colon) : h;
    }

    /** The whole body, at most {@link #MAX_BODY} bytes (else 413). */
    byte[] body() throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        InputStream in = exchange.getRequestBody();
        if (length != null) {
            try {
                long declared = Long.parseLong(length.strip());
                if (declared > MAX_BODY) throw tooLarge(in);
            } catch (NumberFormatException e) {
                throw new HttpError(400, "bad Content-Length");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_BODY) throw tooLarge(in);
        }
        return out.toByteArray();
    }

    /**
     * Reads and drops what is left of an over-long body (up to {@link #DRAIN_LIMIT}) before the 413,
     * so the client, still sending, sees the answer instead of a connection reset.
     */
    private static HttpError tooLarge(InputStream in) throws IOException {
        byte[] sink = new byte[8192];
        long drained = 0;
        int n;
        while (drained < DRAIN_LIMIT && (n = in.read(sink)) > 0) drained += n;
        return tooLarge();
    }

    /** The body as UTF-8 text (400 when it is not valid UTF-8). */
    String bodyText() throws IOException {
        return utf8(body(), "the request body");
    }

    private static HttpError tooLarge() {
        return new HttpError(413, "request body larger than " + MAX_BODY / 1024 + " KiB");
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) out.add(percentDecode(raw));
        }
        return List.copyOf(out);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return out;
        String[] pairs = rawQuery.split("&");
        if (pairs.length > MAX_PARAMETERS) throw new HttpError(400, "too many query parameters");
        for (String pair : pairs) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
            out.putIfAbsent(name, value); // the first occurrence counts
        }
        return out;
    }

    /** Strict percent-decoding to UTF-8 (RFC 3986 §2.1); a bad escape or bad UTF-8 is a 400. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            int c = s.codePointAt(i);
            if (c != '%') {
                byte[] b = Character.toString(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
                i += Character.charCount(c) - 1;
                continue;
            }
            if (i + 2 >= s.length()) throw new HttpError(400, "bad percent-encoding in the request");
            int hi = Character.digit(s.charAt(i + 1), 16), lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) throw new HttpError(400, "bad percent-encoding in the request");
            bytes.write(hi * 16 + lo);
            i += 2;
        }
        return utf8(bytes.toByteArray(), "the request target");
    }

    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, what + " is not valid UTF-8");
        }
    }
}
