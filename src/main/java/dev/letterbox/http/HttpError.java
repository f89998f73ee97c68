package dev.letterbox.http;

import java.util.Map;

/**
 * A request refused with a status and a short message for the client (text, or JSON under
 * {@code /api/}). Thrown by handlers; the service turns it into the response.
 */
final class HttpError extends RuntimeException {
    private final int status;
    private final Map<String, String> headers;

    HttpError(int status, String message) {
        this(status, message, Map.of());
    }

    HttpError(int status, String message, Map<String, String> headers) {
        super(message, null, false, false); // a control-flow signal: no stack trace to fill in
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    static HttpError notFound() {
        return new HttpError(404, "not found");
    }

    static HttpError methodNotAllowed(String allowed) {
        return new HttpError(405, "method not allowed; use " + allowed, Map.of("Allow", allowed));
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }
}
