package dev.letterbox.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/**
 * HTTP(S) requests to a {@link TestServer}'s web listeners with the JDK's {@link HttpClient}
 * (trusting the server's self-signed certificate), raw HTTP/1.1 over a socket for what that client
 * will not send (a Host header of our choosing), and XML parsing with the JDK's DOM parser.
 */
public final class WebClient {
    static {
        // The test certificate names mail.example.test while requests go to 127.0.0.1. The client
        // reads this once, when the first HttpClient in the JVM is built (maybe by another test, such
        // as the rspamd learner's), so the surefire argLine sets it too; this covers runs outside Maven.
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    }

    private final TestServer server;
    private final HttpClient client;

    public WebClient(TestServer server) {
        this.server = server;
        this.client = builder(server).build();
    }

    /** A client whose connections come from the loopback address {@code from} (such as "127.0.0.9"). */
    public WebClient(TestServer server, String from) throws IOException {
        this.server = server;
        this.client = builder(server).localAddress(java.net.InetAddress.getByName(from)).build();
    }

    private static HttpClient.Builder builder(TestServer server) {
        return HttpClient.newBuilder().sslContext(server.clientTls())
                .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1);
    }

    public URI https(String pathAndQuery) {
        return URI.create("https://127.0.0.1:" + server.port("https") + pathAndQuery);
    }

    public URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port("http") + pathAndQuery);
    }

    public HttpResponse<String> get(URI uri, String... headers) throws IOException, InterruptedException {
        return send("GET", uri, null, headers);
    }

    /** {@code body} null for none; {@code headers} alternate names and values. */
    public HttpResponse<String> send(String method, URI uri, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    public HttpResponse<byte[]> getBytes(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Sends {@code request} (exact bytes: request line, headers, blank line, body) to the http or
     * https listener and returns everything the server sends until it closes (or resets). Ask it to
     * close with {@code Connection: close}.
     */
    public String raw(String listener, String request) throws IOException {
        try (LineClient c = listener.equals("https") ? server.connectTls("https") : server.connect("http")) {
            OutputStream out = c.socket().getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = c.socket().getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) got.write(buffer, 0, n);
            } catch (java.net.SocketException reset) {
                // the server closed with our bytes unread (a refused request): what came is the answer
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    /** The status code of a raw response. */
    public static int status(String rawResponse) {
        return Integer.parseInt(rawResponse.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
    }

    /** The body of a raw response (after the blank line). */
    public static String body(String rawResponse) {
        return rawResponse.substring(rawResponse.indexOf("\r\n\r\n") + 4);
    }

    /** Parses XML with the JDK's DOM parser, namespace-aware; a DTD it names is not fetched. */
    public static Document parseXml(byte[] xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage() + "\n" + new String(xml, StandardCharsets.UTF_8), e);
        }
    }

    public static Document parseXml(String xml) {
        return parseXml(xml.getBytes(StandardCharsets.UTF_8));
    }
}
