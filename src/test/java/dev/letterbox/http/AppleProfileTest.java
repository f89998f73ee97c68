package dev.letterbox.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.setup.ClientSettings;
import dev.letterbox.testing.WebClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The Apple configuration profile's content, for a server with every listener (the HTTP test in
 * {@link AutoconfigTest} covers the running server, whose IMAP/SMTP may not listen yet). Parsed
 * as a property list: alternating {@code key} and value elements inside {@code dict}.
 */
class AppleProfileTest {
    static final Map<String, Integer> ALL_PORTS = Map.of("imaps", 993, "imap", 143, "pop3s", 995, "pop3", 110,
            "submissions", 465, "submission", 587, "smtp", 25);

    /** The dict's keys and values; nested values are returned as their element. */
    static Map<String, Object> dict(Element dict) {
        assertEquals("dict", dict.getTagName());
        Map<String, Object> out = new LinkedHashMap<>();
        List<Element> items = new ArrayList<>();
        for (Node n = dict.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) items.add(e);
        }
        assertEquals(0, items.size() % 2, "keys and values alternate");
        for (int i = 0; i < items.size(); i += 2) {
            assertEquals("key", items.get(i).getTagName());
            Element value = items.get(i + 1);
            Object v = switch (value.getTagName()) {
                case "string", "integer" -> value.getTextContent();
                case "true", "false" -> value.getTagName();
                default -> value;
            };
            assertTrue(out.put(items.get(i).getTextContent(), v) == null, "duplicate key");
        }
        return out;
    }

    /** Checks the profile's outer dict and returns its one mail payload as strings. */
    static Map<String, String> mailPayload(Document doc) {
        Element plist = doc.getDocumentElement();
        assertEquals("plist", plist.getTagName());
        assertEquals("1.0", plist.getAttribute("version"));
        assertEquals("plist", doc.getDoctype().getName());
        assertEquals("-//Apple//DTD PLIST 1.0//EN", doc.getDoctype().getPublicId());
        Element outerDict = (Element) plist.getElementsByTagName("dict").item(0);
        Map<String, Object> outer = dict(outerDict);
        assertEquals("Configuration", outer.get("PayloadType"));
        assertEquals("1", outer.get("PayloadVersion"));
        assertTrue(((String) outer.get("PayloadUUID")).matches("[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}"));
        assertTrue(((String) outer.get("PayloadIdentifier")).startsWith("test.example.mail.letterbox."), (String) outer.get("PayloadIdentifier"));
        Element array = (Element) outer.get("PayloadContent");
        assertEquals("array", array.getTagName());
        List<Element> payloads = new ArrayList<>();
        for (Node n = array.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) payloads.add(e);
        }
        assertEquals(1, payloads.size());
        Map<String, String> mail = new LinkedHashMap<>();
        dict(payloads.getFirst()).forEach((k, v) -> mail.put(k, (String) v));
        assertEquals("com.apple.mail.managed", mail.get("PayloadType"));
        assertEquals("EmailTypeIMAP", mail.get("EmailAccountType"));
        assertEquals("EmailAuthPassword", mail.get("IncomingMailServerAuthentication"));
        assertEquals("EmailAuthPassword", mail.get("OutgoingMailServerAuthentication"));
        assertNotEquals(outer.get("PayloadUUID"), mail.get("PayloadUUID"));
        for (String key : mail.keySet()) assertTrue(!key.toLowerCase().contains("password") || key.equals("OutgoingPasswordSameAsIncomingPassword")
                || key.endsWith("Authentication"), "no password inside: " + key);
        return mail;
    }

    @Test
    void profileUsesImplicitTlsImapAndSubmissionWithTheAddressAsUserName() {
        byte[] xml = AppleProfile.render(ClientSettings.of("mail.example.test", ALL_PORTS), "alice@example.test");
        Map<String, String> mail = mailPayload(WebClient.parseXml(xml));
        assertEquals("alice@example.test", mail.get("EmailAddress"));
        assertEquals("mail.example.test", mail.get("IncomingMailServerHostName"));
        assertEquals("993", mail.get("IncomingMailServerPortNumber"));
        assertEquals("true", mail.get("IncomingMailServerUseSSL"));
        assertEquals("alice@example.test", mail.get("IncomingMailServerUsername"));
        assertEquals("mail.example.test", mail.get("OutgoingMailServerHostName"));
        assertEquals("465", mail.get("OutgoingMailServerPortNumber"));
        assertEquals("true", mail.get("OutgoingMailServerUseSSL"));
        assertEquals("alice@example.test", mail.get("OutgoingMailServerUsername"));
        assertEquals("true", mail.get("OutgoingPasswordSameAsIncomingPassword"));
        assertTrue(new String(xml, StandardCharsets.UTF_8).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist"));
    }

    @Test
    void withoutImplicitTlsPortsStartTlsOnesAreUsed() {
        Map<String, Integer> ports = Map.of("imap", 143, "submission", 587);
        Map<String, String> mail = mailPayload(WebClient.parseXml(
                AppleProfile.render(ClientSettings.of("mail.example.test", ports), "bob@example.test")));
        assertEquals("143", mail.get("IncomingMailServerPortNumber"));
        assertEquals("false", mail.get("IncomingMailServerUseSSL"));
        assertEquals("587", mail.get("OutgoingMailServerPortNumber"));
        assertEquals("false", mail.get("OutgoingMailServerUseSSL"));
    }

    @Test
    void sameAddressSameIdentifiersSoReinstallingReplaces() {
        ClientSettings s = ClientSettings.of("mail.example.test", ALL_PORTS);
        var a = dict((Element) WebClient.parseXml(AppleProfile.render(s, "a@example.test")).getElementsByTagName("dict").item(0));
        var again = dict((Element) WebClient.parseXml(AppleProfile.render(s, "a@example.test")).getElementsByTagName("dict").item(0));
        var b = dict((Element) WebClient.parseXml(AppleProfile.render(s, "b@example.test")).getElementsByTagName("dict").item(0));
        assertEquals(a.get("PayloadUUID"), again.get("PayloadUUID"));
        assertEquals(a.get("PayloadIdentifier"), again.get("PayloadIdentifier"));
        assertNotEquals(a.get("PayloadUUID"), b.get("PayloadUUID"));
    }

    @Test
    void noImapOrNoSubmissionMeansNoProfile() {
        var noImap = assertThrows(HttpError.class,
                () -> AppleProfile.render(ClientSettings.of("h.example.test", Map.of("pop3s", 995, "submissions", 465)), "a@b.test"));
        assertEquals(404, noImap.status());
        var noSmtp = assertThrows(HttpError.class,
                () -> AppleProfile.render(ClientSettings.of("h.example.test", Map.of("imaps", 993)), "a@b.test"));
        assertEquals(404, noSmtp.status());
    }
}
