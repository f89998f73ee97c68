package dev.letterbox.http;

import dev.letterbox.auth.Directory;
import dev.letterbox.setup.ClientSettings;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Thunderbird's and K-9 Mail's auto-configuration: Mozilla's clientConfig format version 1.1, at
 * {@code /.well-known/autoconfig/mail/config-v1.1.xml} and {@code /mail/config-v1.1.xml} (the path
 * clients fetch from {@code autoconfig.DOMAIN}), with {@code ?emailaddress=} or else the Host
 * naming the domain. Lists every way in this server offers, best first per protocol (implicit TLS
 * before STARTTLS), with {@code %EMAILADDRESS%} as the user name, which the client fills in.
 * ManageSieve comes last as an {@code incomingServer} of type {@code managesieve}: the format has
 * no element for it, and Thunderbird's reader skips a server of a type it does not know.
 */
final class MozillaAutoconfig implements Handler {
    static final String WELL_KNOWN_PATH = "/.well-known/autoconfig/mail/config-v1.1.xml";
    static final String AUTOCONFIG_HOST_PATH = "/mail/config-v1.1.xml";

    private final Directory directory;
    private final Supplier<ClientSettings> settings;

    MozillaAutoconfig(Directory directory, Supplier<ClientSettings> settings) {
        this.directory = directory;
        this.settings = settings;
    }

    @Override
    public Response handle(Request request) {
        if (!request.method().equals("GET")) throw HttpError.methodNotAllowed("GET, HEAD");
        HostedAddress target = HostedAddress.of(request, directory);
        return Response.of(Response.XML, render(settings.get(), target.domain()));
    }

    static byte[] render(ClientSettings settings, String domain) {
        XmlWriter xml = new XmlWriter();
        xml.start("clientConfig", "version", "1.1");
        xml.start("emailProvider", "id", domain);
        xml.element("domain", domain);
        xml.element("displayName", "Mail for " + domain);
        xml.element("displayShortName", domain);
        for (ClientSettings.Entry e : settings.entries()) {
            boolean outgoing = e.kind() == ClientSettings.Kind.SMTP;
            xml.start(outgoing ? "outgoingServer" : "incomingServer", "type", e.kind().name().toLowerCase(Locale.ROOT));
            xml.element("hostname", settings.hostname());
            xml.element("port", e.port());
            xml.element("socketType", e.security() == ClientSettings.Security.TLS ? "SSL" : "STARTTLS");
            xml.element("username", "%EMAILADDRESS%");
            xml.element("authentication", "password-cleartext");
            xml.end();
        }
        xml.end();
        xml.end();
        return xml.bytes();
    }
}
