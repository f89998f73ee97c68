package dev.letterbox.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers: status, content type, the whole body (answers here are small), extra headers. */
record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";
    static final String XML = "application/xml; charset=utf-8";

    static Response text(int status, String text) {
        return new Response(status, TEXT, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response json(int status, Object value) {
        return new Response(status, JSON, (Json.write(value) + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response noContent() {
        return new Response(204, null, new byte[0], Map.of());
    }

    static Response of(String contentType, byte[] body) {
        return new Response(200, contentType, body, Map.of());
    }

    Response withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Response(status, contentType, body, Map.copyOf(h));
    }
}
