package dev.letterbox.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import dev.letterbox.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Mozilla autoconfig and Outlook autodiscover fetched over real HTTP(S) and parsed with the JDK's
 * DOM parser; every way in they announce is checked against the running server's listeners (and
 * dialled), and every mail listener that runs must be announced. Written against whichever mail
 * listeners exist, so IMAP and SMTP are covered by the same assertions once they listen.
 */
class AutoconfigTest {
    @RegisterExtension
    static final TestServer server = new TestServer();
    static final String HOST = "mail.example.test";
    static final String ADDRESS = "someone+tag@" + TestServer.DOMAIN;
    static final String OUTLOOK_REQUEST_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";

    final WebClient web = new WebClient(server);

    /** One announced way in: protocol (IMAP, POP3, SMTP, MANAGESIEVE), port, implicit TLS or STARTTLS. */
    record Way(String protocol, int port, boolean implicitTls) {}

    /** The mail listeners by name, with what a client must be told about each (from RFC 8314 / 6186). */
    static final Map<String, Way> LISTENERS = Map.of(
            "imaps", new Way("IMAP", 0, true), "imap", new Way("IMAP", 0, false),
            "pop3s", new Way("POP3", 0, true), "pop3", new Way("POP3", 0, false),
            "submissions", new Way("SMTP", 0, true), "submission", new Way("SMTP", 0, false),
            "managesieve", new Way("MANAGESIEVE", 0, false));

    /** What the running server should announce: every bound mail listener. */
    static Set<Way> expectedWays() {
        Set<Way> out = new LinkedHashSet<>();
        LISTENERS.forEach((name, w) -> {
            if (server.server().ports().containsKey(name)) out.add(new Way(w.protocol(), server.port(name), w.implicitTls()));
        });
        assertFalse(out.isEmpty(), "at least POP3 listens");
        return out;
    }

    /** Each way answers on its port with its protocol's greeting (over TLS where it says so). */
    static void dialEach(List<Way> ways) throws Exception {
        for (Way w : ways) {
            try (LineClient c = w.implicitTls() ? LineClient.tls("127.0.0.1", w.port(), server.clientTls())
                    : LineClient.plain("127.0.0.1", w.port(), server.clientTls())) {
                String greeting = c.readLine();
                String expected = switch (w.protocol()) {
                    case "POP3" -> "+OK";
                    case "IMAP" -> "* OK";
                    case "MANAGESIEVE" -> "\"IMPLEMENTATION\"";
                    default -> "220";
                };
                assertTrue(greeting != null && greeting.startsWith(expected), w + " greeted with " + greeting);
            }
        }
    }

    /** Implicit TLS is offered before STARTTLS for each protocol (RFC 8314 §3). */
    static void assertBestFirst(List<Way> ways) {
        for (int i = 0; i < ways.size(); i++) {
            for (int j = i + 1; j < ways.size(); j++) {
                if (ways.get(i).protocol().equals(ways.get(j).protocol())) {
                    assertFalse(!ways.get(i).implicitTls() && ways.get(j).implicitTls(), "STARTTLS listed before TLS: " + ways);
                }
            }
        }
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) out.add(e);
        }
        return out;
    }

    static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertEquals(1, found.size(), "exactly one <" + name + "> in <" + parent.getLocalName() + ">");
        return found.getFirst().getTextContent();
    }

    static void assertShortError(int status, int expectedStatus, String body) {
        assertEquals(expectedStatus, status, body);
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("java."), "no internals: " + body);
        assertTrue(body.strip().lines().count() <= 1, "one line: " + body);
    }

    // ---------------------------------------------------------------- Mozilla

    /** Checks a Mozilla clientConfig document and returns the ways it announces, in order. */
    static List<Way> mozillaWays(Document doc) {
        Element root = doc.getDocumentElement();
        assertEquals("clientConfig", root.getLocalName());
        assertEquals("1.1", root.getAttribute("version"));
        Element provider = children(root, "emailProvider").getFirst();
        assertEquals(TestServer.DOMAIN, provider.getAttribute("id"));
        assertEquals(TestServer.DOMAIN, text(provider, "domain"));
        List<Way> ways = new ArrayList<>();
        for (Node n = provider.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element e) || !e.getLocalName().endsWith("Server")) continue;
            String type = e.getAttribute("type");
            assertEquals(e.getLocalName().equals("outgoingServer"), type.equals("smtp"), "SMTP is the outgoing server");
            assertEquals(HOST, text(e, "hostname"));
            assertEquals("%EMAILADDRESS%", text(e, "username"));
            assertEquals("password-cleartext", text(e, "authentication"));
            String socketType = text(e, "socketType");
            assertTrue(socketType.equals("SSL") || socketType.equals("STARTTLS"), "never plain: " + socketType);
            ways.add(new Way(type.toUpperCase(java.util.Locale.ROOT), Integer.parseInt(text(e, "port")), socketType.equals("SSL")));
        }
        return ways;
    }

    @Test
    void mozillaAutoconfigAnnouncesExactlyTheRunningListeners() throws Exception {
        HttpResponse<String> r = web.get(web.https("/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress="
                + ADDRESS.replace("+", "%2B").replace("@", "%40")));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/xml"));
        List<Way> ways = mozillaWays(WebClient.parseXml(r.body()));
        assertEquals(expectedWays(), new LinkedHashSet<>(ways));
        assertEquals("MANAGESIEVE", ways.getLast().protocol(), "after the mail servers, which clients take first");
        assertEquals(ways.size(), new LinkedHashSet<>(ways).size(), "no duplicates");
        assertBestFirst(ways);
        dialEach(ways);
    }

    @Test
    void autoconfigHostPathOverPlainHttpNamesTheDomainByHost() throws Exception {
        // what Thunderbird fetches from http://autoconfig.DOMAIN/ when the address is not passed
        String response = web.raw("http", "GET /mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig."
                + TestServer.DOMAIN + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, WebClient.status(response), response);
        assertEquals(expectedWays(), new LinkedHashSet<>(mozillaWays(WebClient.parseXml(WebClient.body(response)))));

        String wellKnown = web.raw("https", "GET /.well-known/autoconfig/mail/config-v1.1.xml HTTP/1.1\r\nHost: "
                + TestServer.DOMAIN + ":443\r\nConnection: close\r\n\r\n");
        assertEquals(200, WebClient.status(wellKnown), wellKnown);
        assertEquals(expectedWays(), new LinkedHashSet<>(mozillaWays(WebClient.parseXml(WebClient.body(wellKnown)))));
    }

    @Test
    void onlyHostedDomainsAreAnsweredAndBadAddressesAreRefused() throws Exception {
        var other = web.get(web.https("/mail/config-v1.1.xml?emailaddress=someone@elsewhere.test"));
        assertShortError(other.statusCode(), 404, other.body());
        String byHost = web.raw("https", "GET /mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.elsewhere.test\r\n"
                + "Connection: close\r\n\r\n");
        assertShortError(WebClient.status(byHost), 404, WebClient.body(byHost));
        var bad = web.get(web.https("/mail/config-v1.1.xml?emailaddress=not-an-address"));
        assertShortError(bad.statusCode(), 400, bad.body());
        var badUtf8 = web.raw("https", "GET /mail/config-v1.1.xml?emailaddress=a%ff%fe@example.test HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");
        assertShortError(WebClient.status(badUtf8), 400, WebClient.body(badUtf8));
        // a target java.net.URI refuses is answered by the JDK's server itself: a 400, no stack trace
        var badEscape = web.raw("https", "GET /mail/config-v1.1.xml?emailaddress=a%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(400, WebClient.status(badEscape));
        assertFalse(badEscape.contains("\tat "), badEscape);
        var post = web.send("POST", web.https("/mail/config-v1.1.xml?emailaddress=" + ADDRESS.replace("+", "%2B")), "x");
        assertShortError(post.statusCode(), 405, post.body());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        var unknown = web.get(web.https("/no/such/thing"));
        assertShortError(unknown.statusCode(), 404, unknown.body());
    }

    @Test
    void requestHeadersAreBounded() throws Exception {
        StringBuilder many = new StringBuilder("GET /healthz HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 150; i++) many.append("X-Filler-").append(i).append(": y\r\n");
        String tooMany = web.raw("http", many.append("Connection: close\r\n\r\n").toString());
        assertTrue(tooMany.isEmpty() || WebClient.status(tooMany) >= 400, "150 headers refused: " + tooMany);
        String huge = web.raw("http", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000)
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(huge.isEmpty() || WebClient.status(huge) >= 400, "a 40 KB header refused: " + huge);
        assertEquals(200, web.get(web.http("/healthz")).statusCode(), "and the server goes on");
    }

    @Test
    void aKnownAccountAndAnUnknownOneGetTheSameAnswer() throws Exception {
        String user = server.newUser("autoconfig");
        var known = web.get(web.https("/mail/config-v1.1.xml?emailaddress=" + user));
        var unknown = web.get(web.https("/mail/config-v1.1.xml?emailaddress=nobody-here@" + TestServer.DOMAIN));
        assertEquals(200, known.statusCode());
        assertEquals(known.body(), unknown.body(), "the endpoint must not reveal which accounts exist");
    }

    // ---------------------------------------------------------------- Outlook

    static String outlookRequest(String address) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Autodiscover xmlns=\"" + OUTLOOK_REQUEST_NS + "\">"
                + "<Request><EMailAddress>" + address + "</EMailAddress>"
                + "<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
                + "</AcceptableResponseSchema></Request></Autodiscover>";
    }

    @Test
    void outlookAutodiscoverAnswersForTheAddressInTheBody() throws Exception {
        var r = web.send("POST", web.https("/autodiscover/autodiscover.xml"), outlookRequest(ADDRESS),
                "Content-Type", "text/xml");
        assertEquals(200, r.statusCode(), r.body());
        Document doc = WebClient.parseXml(r.body());
        Element root = doc.getDocumentElement();
        assertEquals("Autodiscover", root.getLocalName());
        assertEquals("http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006", root.getNamespaceURI());
        Element response = children(root, "Response").getFirst();
        assertEquals("http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a", response.getNamespaceURI());
        Element account = children(response, "Account").getFirst();
        assertEquals("email", text(account, "AccountType"));
        assertEquals("settings", text(account, "Action"));
        List<Way> ways = new ArrayList<>();
        for (Element p : children(account, "Protocol")) {
            assertEquals(HOST, text(p, "Server"));
            assertEquals(ADDRESS, text(p, "LoginName"));
            assertEquals("on", text(p, "SSL"));
            assertEquals("on", text(p, "AuthRequired"));
            String encryption = text(p, "Encryption");
            assertTrue(encryption.equals("SSL") || encryption.equals("TLS"), encryption);
            ways.add(new Way(text(p, "Type"), Integer.parseInt(text(p, "Port")), encryption.equals("SSL")));
        }
        Set<Way> mail = new LinkedHashSet<>(expectedWays());
        mail.removeIf(w -> w.protocol().equals("MANAGESIEVE")); // the schema has no type for it
        assertEquals(mail, new LinkedHashSet<>(ways));
        assertBestFirst(ways);
        dialEach(ways);

        // Outlook spells the path with capitals too
        var capitals = web.send("POST", web.https("/Autodiscover/Autodiscover.xml"), outlookRequest(ADDRESS));
        assertEquals(200, capitals.statusCode());
        assertEquals(r.body(), capitals.body());
    }

    @Test
    void outlookAutodiscoverRefusesWhatItCannotAnswer() throws Exception {
        var uri = web.https("/autodiscover/autodiscover.xml");
        var unhosted = web.send("POST", uri, outlookRequest("someone@elsewhere.test"));
        assertShortError(unhosted.statusCode(), 404, unhosted.body());
        var malformed = web.send("POST", uri, "<Autodiscover><Request><EMailAddress>a@example.test</Request>");
        assertShortError(malformed.statusCode(), 400, malformed.body());
        var notXml = web.send("POST", uri, "{\"json\": true}");
        assertShortError(notXml.statusCode(), 400, notXml.body());
        var noAddress = web.send("POST", uri, "<Autodiscover xmlns=\"" + OUTLOOK_REQUEST_NS + "\"><Request/></Autodiscover>");
        assertShortError(noAddress.statusCode(), 400, noAddress.body());
        var activeSync = web.send("POST", uri, outlookRequest(ADDRESS).replace("outlook/responseschema/2006a",
                "mobilesync/responseschema/2006"));
        assertShortError(activeSync.statusCode(), 404, activeSync.body());
        var get = web.get(uri);
        assertShortError(get.statusCode(), 405, get.body());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        var huge = web.send("POST", uri, outlookRequest(ADDRESS) + " ".repeat(70_000));
        assertShortError(huge.statusCode(), 413, huge.body());
    }

    @Test
    void xmlWithADoctypeIsRefusedSoNoEntityIsEverExpanded() throws Exception {
        var uri = web.https("/autodiscover/autodiscover.xml");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>";
        var r1 = web.send("POST", uri, xxe);
        assertShortError(r1.statusCode(), 400, r1.body());
        assertFalse(r1.body().contains("root:"), r1.body());
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY l0 \"lol\">");
        for (int i = 1; i < 10; i++) laughs.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
        laughs.append("]><Autodiscover><Request><EMailAddress>&l9;</EMailAddress></Request></Autodiscover>");
        var r2 = web.send("POST", uri, laughs.toString());
        assertShortError(r2.statusCode(), 400, r2.body());
    }

    // ---------------------------------------------------------------- Apple, MTA-STS, health

    @Test
    void appleProfileIsServedWhenImapAndSmtpListenElse404() throws Exception {
        HttpResponse<byte[]> r = web.getBytes(web.https("/apple/mobileconfig?emailaddress=" + ADDRESS.replace("+", "%2B")));
        Set<String> bound = server.server().ports().keySet();
        boolean imap = bound.contains("imaps") || bound.contains("imap");
        boolean smtp = bound.contains("submissions") || bound.contains("submission");
        if (!imap || !smtp) {
            assertShortError(r.statusCode(), 404, new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        assertEquals(200, r.statusCode());
        assertEquals(AppleProfile.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElse(""));
        Map<String, String> mail = AppleProfileTest.mailPayload(WebClient.parseXml(r.body()));
        assertEquals(HOST, mail.get("IncomingMailServerHostName"));
        assertEquals(HOST, mail.get("OutgoingMailServerHostName"));
        Way in = new Way("IMAP", Integer.parseInt(mail.get("IncomingMailServerPortNumber")),
                mail.get("IncomingMailServerUseSSL").equals("true"));
        Way out = new Way("SMTP", Integer.parseInt(mail.get("OutgoingMailServerPortNumber")),
                mail.get("OutgoingMailServerUseSSL").equals("true"));
        assertTrue(expectedWays().contains(in) && expectedWays().contains(out), in + " " + out);
        dialEach(List.of(in, out));
    }

    @Test
    void appleProfileWantsAHostedAddress() throws Exception {
        var none = web.get(web.https("/apple/mobileconfig"));
        assertShortError(none.statusCode(), 400, none.body());
        var other = web.get(web.https("/apple/mobileconfig?emailaddress=a@elsewhere.test"));
        assertShortError(other.statusCode(), 404, other.body());
    }

    @Test
    void mtaStsPolicyIsServedForHostedDomainsOverHttps() throws Exception {
        String r = web.raw("https", "GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts." + TestServer.DOMAIN
                + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, WebClient.status(r), r);
        assertTrue(r.toLowerCase(java.util.Locale.ROOT).contains("\r\ncontent-type: text/plain"), r);
        // RFC 8461 §3.2: key/value lines ending in CRLF; the defaults: testing mode, one week
        assertEquals("version: STSv1\r\nmode: testing\r\nmx: " + HOST + "\r\nmax_age: 604800\r\n", WebClient.body(r));
        String other = web.raw("https", "GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.elsewhere.test\r\n"
                + "Connection: close\r\n\r\n");
        assertEquals(404, WebClient.status(other));
    }

    @Test
    void healthzAnswersOkAndHeadHasNoBody() throws Exception {
        var r = web.get(web.http("/healthz"));
        assertEquals(200, r.statusCode());
        assertEquals("ok\n", r.body());
        String head = web.raw("http", "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(200, WebClient.status(head));
        assertEquals("", WebClient.body(head));
    }

    @Test
    void metricsCountConnectionsHandshakesLoginsAndRequests() throws Exception {
        String user = server.newUser("metrics");
        try (LineClient c = server.connectTls("pop3s")) {
            c.expectPrefix("+OK");
            c.send("USER " + user).expectPrefix("+OK");
            c.send("PASS wrong-password").expectPrefix("-ERR");
            c.send("QUIT").expectPrefix("+OK");
        }
        try (LineClient c = server.connect("pop3s")) { // plaintext to a TLS port: a failed handshake
            c.sendRaw("not a TLS record\r\n");
            try {
                c.socket().getInputStream().readAllBytes(); // a TLS alert perhaps, then the close (else a timeout)
            } catch (java.net.SocketException reset) {
                // closed with our bytes unread: also an end
            }
        }
        web.get(web.https("/healthz"));
        String text = awaitMetric("letterbox_tls_handshakes_total{listener=\"pop3s\",outcome=\"fail\"}");
        assertTrue(text.contains("letterbox_connections_total{listener=\"pop3s\"}"), text);
        assertTrue(text.contains("letterbox_tls_handshakes_total{listener=\"pop3s\",outcome=\"ok\"}"), text);
        assertTrue(text.contains("letterbox_auth_total{outcome=\"fail\",protocol=\"pop3\"}"), text);
        assertTrue(text.contains("letterbox_http_requests_total{code=\"200\",route=\"healthz\"}"), text);
        assertTrue(text.contains("letterbox_command_duration_seconds_bucket{command=\"USER\""), text);
        assertTrue(text.contains("# TYPE letterbox_connections_active gauge"), text);
        assertTrue(text.contains("letterbox_queue_recipients_pending "), text);
    }

    /** The failed handshake is counted when the session thread unwinds, a moment after the close. */
    private String awaitMetric(String series) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            var r = web.get(web.https("/metrics"));
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            if (r.body().contains(series) || System.nanoTime() > deadline) {
                assertTrue(r.body().contains(series), r.body());
                return r.body();
            }
            Thread.sleep(20);
        }
    }
}
