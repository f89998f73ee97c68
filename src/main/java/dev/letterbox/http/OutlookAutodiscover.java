package dev.letterbox.http;

import dev.letterbox.auth.Directory;
import dev.letterbox.setup.ClientSettings;
import java.io.IOException;
import java.util.function.Supplier;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Outlook's "plain old XML" autodiscover: a POST to {@code /autodiscover/autodiscover.xml} whose
 * body names the address ({@code Autodiscover/Request/EMailAddress} in the Outlook request schema);
 * the answer, in the Outlook response schema 2006a, has one {@code Protocol} per way in (type IMAP,
 * POP3 or SMTP; server, port, login name; {@code SSL}/{@code Encryption}: SSL for implicit TLS, TLS
 * for STARTTLS). Elements are matched by local name, so the http/https spellings of the request
 * namespace both work. Only the Outlook response schema is offered (ActiveSync's is not).
 */
final class OutlookAutodiscover implements Handler {
    static final String PATH = "/autodiscover/autodiscover.xml";
    static final String RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    static final String OUTLOOK_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    private final Directory directory;
    private final Supplier<ClientSettings> settings;

    OutlookAutodiscover(Directory directory, Supplier<ClientSettings> settings) {
        this.directory = directory;
        this.settings = settings;
    }

    @Override
    public Response handle(Request request) throws IOException {
        if (!request.method().equals("POST")) throw HttpError.methodNotAllowed("POST");
        Document body = XmlInput.parse(request.body());
        Element root = body.getDocumentElement();
        if (!"Autodiscover".equals(root.getLocalName())) throw new HttpError(400, "expected an Autodiscover request");
        Element req = XmlInput.child(root, "Request")
                .orElseThrow(() -> new HttpError(400, "expected Autodiscover/Request"));
        String address = XmlInput.child(req, "EMailAddress").map(Element::getTextContent)
                .orElseThrow(() -> new HttpError(400, "expected Autodiscover/Request/EMailAddress"));
        String schema = XmlInput.child(req, "AcceptableResponseSchema").map(e -> e.getTextContent().strip()).orElse("");
        if (!schema.isEmpty() && !schema.endsWith("/outlook/responseschema/2006a")) {
            throw new HttpError(404, "only the Outlook response schema (2006a) is offered here");
        }
        HostedAddress target = HostedAddress.fromAddress(address, directory);
        return Response.of(Response.XML, render(settings.get(), target.address().orElseThrow()));
    }

    static byte[] render(ClientSettings settings, String address) {
        XmlWriter xml = new XmlWriter();
        xml.start("Autodiscover", "xmlns", RESPONSE_NS);
        xml.start("Response", "xmlns", OUTLOOK_NS);
        xml.start("Account");
        xml.element("AccountType", "email");
        xml.element("Action", "settings");
        for (ClientSettings.Entry e : settings.entries()) {
            if (!e.kind().mail()) continue; // the schema's protocol types are IMAP, POP3 and SMTP only
            boolean implicitTls = e.security() == ClientSettings.Security.TLS;
            xml.start("Protocol");
            xml.element("Type", e.kind().name());
            xml.element("Server", settings.hostname());
            xml.element("Port", e.port());
            xml.element("DomainRequired", "off");
            xml.element("LoginName", address);
            xml.element("SPA", "off");
            xml.element("SSL", "on");
            xml.element("Encryption", implicitTls ? "SSL" : "TLS");
            xml.element("AuthRequired", "on");
            if (e.kind() == ClientSettings.Kind.SMTP) xml.element("UsePOPAuth", "on");
            xml.end();
        }
        xml.end().end().end();
        return xml.bytes();
    }
}
