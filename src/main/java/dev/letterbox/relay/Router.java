package dev.letterbox.relay;

import dev.letterbox.dns.DnsResolver;
import dev.letterbox.dns.Lookup;
import dev.letterbox.dns.MxHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RFC 5321 §5.1 routing of one domain: its MX records by preference (equal ones in random order,
 * from the resolver), or with no MX at all the domain itself as the only host (the "implicit MX");
 * a null MX (RFC 7505) or a domain that does not exist is permanent; a DNS failure is temporary.
 * An address literal routes to itself. MX hosts that name this server, and every host after them,
 * are dropped (§5.1: a preference at or above our own would loop).
 */
public final class Router {
    private final DnsResolver dns;
    private final int port;
    private final String ownHostname;

    public Router(DnsResolver dns, int port, String ownHostname) {
        this.dns = dns;
        this.port = port;
        this.ownHostname = ownHostname.toLowerCase(Locale.ROOT);
    }

    public Route route(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.startsWith("[")) return new Route.Hosts(List.of(new Route.Hop(d, port)));
        return switch (dns.mx(d)) {
            case Lookup.Found<MxHost> found -> fromMx(d, found.records());
            case Lookup.NoData<MxHost> none -> implicitMx(d);
            case Lookup.NoDomain<MxHost> gone -> new Route.Unroutable("5.1.2", "domain " + d + " does not exist (DNS: NXDOMAIN)");
            case Lookup.TempFail<MxHost> t -> new Route.TryLater("MX lookup for " + d + " failed: " + t.reason());
        };
    }

    private Route fromMx(String domain, List<MxHost> records) {
        // RFC 7505 §3: a lone MX with preference 0 and target "." says "no mail here"; one among
        // others is treated as plain misconfiguration and skipped.
        if (records.size() == 1 && records.get(0).isNullMx()) {
            return new Route.Unroutable("5.1.10", "domain " + domain + " accepts no mail (null MX, RFC 7505)");
        }
        List<Route.Hop> hops = new ArrayList<>();
        for (MxHost mx : records) {
            if (mx.isNullMx()) continue;
            if (mx.host().equals(ownHostname)) break; // §5.1: we are an MX of this domain; only better ones count
            hops.add(new Route.Hop(mx.host(), port));
        }
        if (hops.isEmpty()) {
            return new Route.Unroutable("5.4.6", "mail for " + domain + " loops back to this server (" + ownHostname
                    + " is its best MX) but the domain is not hosted here");
        }
        return new Route.Hosts(hops);
    }

    /** RFC 5321 §5.1: no MX records: the domain's own address records, if it has any. */
    private Route implicitMx(String domain) {
        return switch (dns.addresses(domain)) {
            case Lookup.Found<java.net.InetAddress> f -> new Route.Hosts(List.of(new Route.Hop(domain, port)));
            case Lookup.TempFail<java.net.InetAddress> t -> new Route.TryLater("address lookup for " + domain + " failed: " + t.reason());
            default -> new Route.Unroutable("5.1.2", "domain " + domain + " has no MX and no address records");
        };
    }
}
