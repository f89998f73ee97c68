package dev.letterbox.http;

import dev.letterbox.auth.Directory;
import dev.letterbox.setup.ClientSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * An Apple configuration profile for iOS, iPadOS and macOS Mail at
 * {@code /apple/mobileconfig?emailaddress=ADDRESS}: a property list with one
 * {@code com.apple.mail.managed} payload (IMAP in, SMTP out, password authentication). It holds no
 * password (the device asks for it) and is unsigned, so the device shows it as "Not Verified".
 * Identifiers and UUIDs are derived from host and address, so installing it again replaces the
 * earlier profile instead of adding a second account.
 */
final class AppleProfile implements Handler {
    static final String PATH = "/apple/mobileconfig";
    static final String CONTENT_TYPE = "application/x-apple-aspen-config";
    private static final String DOCTYPE = "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
            + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">";

    private final Directory directory;
    private final Supplier<ClientSettings> settings;

    AppleProfile(Directory directory, Supplier<ClientSettings> settings) {
        this.directory = directory;
        this.settings = settings;
    }

    @Override
    public Response handle(Request request) {
        if (!request.method().equals("GET")) throw HttpError.methodNotAllowed("GET, HEAD");
        String raw = request.param("emailaddress").orElseThrow(() -> new HttpError(400, "add ?emailaddress=ADDRESS"));
        HostedAddress target = HostedAddress.fromAddress(raw, directory);
        return Response.of(CONTENT_TYPE, render(settings.get(), target.address().orElseThrow()))
                .withHeader("Content-Disposition", "attachment; filename=\"" + target.domain() + ".mobileconfig\"");
    }

    /** 404 when this server offers no IMAP or no SMTP submission (Apple Mail needs both). */
    static byte[] render(ClientSettings settings, String address) {
        ClientSettings.Entry in = first(settings.of(ClientSettings.Kind.IMAP), "IMAP");
        ClientSettings.Entry out = first(settings.of(ClientSettings.Kind.SMTP), "SMTP submission");
        String identifier = reverse(settings.hostname()) + ".letterbox." + address.replaceAll("[^A-Za-z0-9.-]", "-");

        XmlWriter xml = new XmlWriter().doctype(DOCTYPE);
        xml.start("plist", "version", "1.0");
        xml.start("dict");
        key(xml, "PayloadContent");
        xml.start("array");
        xml.start("dict");
        string(xml, "EmailAccountDescription", address);
        string(xml, "EmailAccountType", "EmailTypeIMAP");
        string(xml, "EmailAddress", address);
        server(xml, "Incoming", settings.hostname(), in, address);
        server(xml, "Outgoing", settings.hostname(), out, address);
        key(xml, "OutgoingPasswordSameAsIncomingPassword");
        xml.empty("true");
        string(xml, "PayloadDescription", "Mail account " + address);
        string(xml, "PayloadDisplayName", address);
        string(xml, "PayloadIdentifier", identifier + ".mail");
        string(xml, "PayloadType", "com.apple.mail.managed");
        string(xml, "PayloadUUID", uuid("mail " + identifier));
        integer(xml, "PayloadVersion", 1);
        xml.end(); // dict
        xml.end(); // array
        string(xml, "PayloadDescription", "Sets up Mail for " + address + " (your password is asked for on the device)");
        string(xml, "PayloadDisplayName", "Mail: " + address);
        string(xml, "PayloadIdentifier", identifier);
        key(xml, "PayloadRemovalDisallowed");
        xml.empty("false");
        string(xml, "PayloadType", "Configuration");
        string(xml, "PayloadUUID", uuid("profile " + identifier));
        integer(xml, "PayloadVersion", 1);
        xml.end(); // dict
        xml.end(); // plist
        return xml.bytes();
    }

    private static void server(XmlWriter xml, String direction, String host, ClientSettings.Entry entry, String address) {
        string(xml, direction + "MailServerAuthentication", "EmailAuthPassword");
        string(xml, direction + "MailServerHostName", host);
        integer(xml, direction + "MailServerPortNumber", entry.port());
        key(xml, direction + "MailServerUseSSL");
        // false only when no implicit-TLS port is offered; Mail then relies on STARTTLS
        xml.empty(entry.security() == ClientSettings.Security.TLS ? "true" : "false");
        string(xml, direction + "MailServerUsername", address);
    }

    private static ClientSettings.Entry first(List<ClientSettings.Entry> entries, String what) {
        if (entries.isEmpty()) throw new HttpError(404, "this server offers no " + what + ", which Apple Mail needs");
        return entries.getFirst(); // best first: implicit TLS before STARTTLS
    }

    private static void key(XmlWriter xml, String key) {
        xml.element("key", key);
    }

    private static void string(XmlWriter xml, String key, String value) {
        key(xml, key);
        xml.element("string", value);
    }

    private static void integer(XmlWriter xml, String key, long value) {
        key(xml, key);
        xml.element("integer", value);
    }

    private static String reverse(String hostname) {
        List<String> labels = new ArrayList<>(List.of(hostname.split("\\.")));
        Collections.reverse(labels);
        return String.join(".", labels);
    }

    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString().toUpperCase(Locale.ROOT);
    }
}
