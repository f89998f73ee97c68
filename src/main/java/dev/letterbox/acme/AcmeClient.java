package dev.letterbox.acme;

import dev.letterbox.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * RFC 8555's requests, one at a time: the directory, nonces, signed POSTs (retried once on a
 * badNonce), and the JSON answers. Every request has a timeout; answers are bounded in size.
 */
final class AcmeClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_BODY = 1 << 20;

    private final HttpClient http;
    private final URI directoryUrl;
    private final AccountKey key;
    private Map<String, Object> directory;
    private String nonce;
    /** The account's URL once registered (the JWS "kid"). */
    private String account;

    /** An answer: status, the Location header (or null), and the body. */
    record Reply(int status, String location, String body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() throws AcmeException {
            try {
                return (Map<String, Object>) Json.parse(body);
            } catch (Json.JsonException | ClassCastException e) {
                throw new AcmeException("the ACME server sent something that is not a JSON object: " + e.getMessage());
            }
        }
    }

    AcmeClient(URI directoryUrl, SSLContext tls, AccountKey key) {
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        this.directoryUrl = directoryUrl;
        this.key = key;
    }

    private String endpoint(String name) throws IOException, AcmeException {
        if (directory == null) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(directoryUrl).GET());
            if (r.statusCode() != 200) throw new AcmeException("ACME directory " + directoryUrl + " answered " + r.statusCode());
            directory = new Reply(200, null, r.body()).json();
        }
        if (!(directory.get(name) instanceof String url)) throw new AcmeException("the ACME directory has no " + name);
        return url;
    }

    /** newAccount (RFC 8555 §7.3): finds or creates the account of this key. */
    void register(List<String> contacts) throws IOException, AcmeException {
        Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("termsOfServiceAgreed", true);
        if (!contacts.isEmpty()) payload.put("contact", List.copyOf(contacts));
        Reply r = post(endpoint("newAccount"), payload, true);
        if (r.status() != 200 && r.status() != 201) throw problem("newAccount", r);
        if (r.location() == null) throw new AcmeException("newAccount: no account URL in the answer");
        account = r.location();
    }

    Reply newOrder(List<String> names) throws IOException, AcmeException {
        List<Object> identifiers = names.stream().map(n -> (Object) Map.of("type", "dns", "value", n)).toList();
        Reply r = post(endpoint("newOrder"), Map.of("identifiers", identifiers), false);
        if (r.status() != 201) throw problem("newOrder", r);
        return r;
    }

    /** POST-as-GET (RFC 8555 §6.3). */
    Reply fetch(String url) throws IOException, AcmeException {
        Reply r = post(url, null, false);
        if (r.status() != 200) throw problem("POST-as-GET " + url, r);
        return r;
    }

    Reply post(String url, Map<String, Object> payload) throws IOException, AcmeException {
        Reply r = post(url, payload, false);
        if (r.status() != 200) throw problem("POST " + url, r);
        return r;
    }

    private Reply post(String url, Map<String, Object> payload, boolean withJwk) throws IOException, AcmeException {
        for (int attempt = 0; ; attempt++) {
            if (nonce == null) freshNonce();
            String body = key.sign(url, nonce, withJwk ? null : account, payload);
            nonce = null;
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/jose+json").POST(HttpRequest.BodyPublishers.ofString(body)));
            r.headers().firstValue("Replay-Nonce").ifPresent(n -> nonce = n);
            Reply reply = new Reply(r.statusCode(), r.headers().firstValue("Location").orElse(null), r.body());
            if (r.statusCode() == 400 && r.body().contains("urn:ietf:params:acme:error:badNonce") && attempt == 0) continue;
            return reply;
        }
    }

    private void freshNonce() throws IOException, AcmeException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(endpoint("newNonce"))).method("HEAD",
                HttpRequest.BodyPublishers.noBody()));
        nonce = r.headers().firstValue("Replay-Nonce").orElseThrow(() -> new AcmeException("newNonce: no Replay-Nonce"));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            HttpResponse<String> r = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            if (r.body() != null && r.body().length() > MAX_BODY) throw new IOException("ACME answer too large");
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static AcmeException problem(String what, Reply r) {
        String detail = r.body() == null ? "" : r.body().length() > 500 ? r.body().substring(0, 500) : r.body();
        return new AcmeException(what + ": " + r.status() + " " + detail.replaceAll("\\s+", " "));
    }
}
