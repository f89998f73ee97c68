package dev.letterbox.http;

import dev.letterbox.auth.Addresses;
import dev.letterbox.auth.Directory;
import java.util.Optional;

/**
 * The mailbox an auto-configuration request asks about: an address in a domain hosted here, or
 * only the domain when the client gave none (the request's host then names it). Whether an account
 * exists is never revealed: any address of a hosted domain gets the same settings.
 */
record HostedAddress(Optional<String> address, String domain) {
    /** From the {@code emailaddress} parameter, else from the Host the client addressed. */
    static HostedAddress of(Request request, Directory directory) {
        Optional<String> given = request.param("emailaddress");
        return given.isPresent() ? fromAddress(given.get(), directory) : fromHost(request.host(), directory);
    }

    /** 400 when it is not an address, 404 when its domain is not hosted here. */
    static HostedAddress fromAddress(String raw, Directory directory) {
        String address = Addresses.normalize(raw.strip())
                .orElseThrow(() -> new HttpError(400, "not a valid email address"));
        String domain = Addresses.domainOf(address);
        if (!directory.hostsDomain(domain)) throw new HttpError(404, "no mail service for this domain here");
        return new HostedAddress(Optional.of(address), domain);
    }

    /** {@code autoconfig.example.com} or {@code example.com} for a hosted example.com; else 404. */
    static HostedAddress fromHost(String host, Directory directory) {
        for (String candidate : new String[] {stripPrefix(host, "autoconfig."), stripPrefix(host, "autodiscover."), host}) {
            Optional<String> domain = Addresses.normalizeDomain(candidate);
            if (domain.isPresent() && directory.hostsDomain(domain.get())) return new HostedAddress(Optional.empty(), domain.get());
        }
        throw new HttpError(404, "no mail service for this domain here; ask with ?emailaddress=ADDRESS");
    }

    private static String stripPrefix(String host, String prefix) {
        return host.startsWith(prefix) ? host.substring(prefix.length()) : host;
    }
}
