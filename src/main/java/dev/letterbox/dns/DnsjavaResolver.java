package dev.letterbox.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Stub resolver over dnsjava: sends each query to the configured servers (or the system's, from
 * /etc/resolv.conf) and follows CNAMEs found in the answer. No caching here: the recursive server
 * caches, and mail routing queries are few.
 */
public final class DnsjavaResolver implements DnsResolver {
    private static final int MAX_CNAME_HOPS = 8;

    private final Resolver resolver;
    private final Random random = new SecureRandom();

    /** {@code servers}: "host" or "host:port" entries; empty means the system's resolvers. */
    public DnsjavaResolver(List<String> servers, Duration timeout) {
        List<Resolver> resolvers = new ArrayList<>();
        if (servers.isEmpty()) {
            for (InetSocketAddress a : ResolverConfig.getCurrentConfig().servers()) resolvers.add(new SimpleResolver(a));
        } else {
            for (String s : servers) resolvers.add(new SimpleResolver(parseServer(s)));
        }
        if (resolvers.isEmpty()) resolvers.add(new SimpleResolver(new InetSocketAddress("127.0.0.1", 53)));
        ExtendedResolver extended = new ExtendedResolver(resolvers);
        extended.setTimeout(timeout);
        extended.setRetries(2);
        this.resolver = extended;
    }

    /** "1.2.3.4", "1.2.3.4:5353", "[::1]:53". */
    static InetSocketAddress parseServer(String s) {
        String host = s;
        int port = 53;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            host = s.substring(1, close);
            if (s.length() > close + 1 && s.charAt(close + 1) == ':') port = Integer.parseInt(s.substring(close + 2));
        } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') > 0) {
            host = s.substring(0, s.indexOf(':'));
            port = Integer.parseInt(s.substring(s.indexOf(':') + 1));
        }
        return new InetSocketAddress(host, port);
    }

    @Override
    public Lookup<MxHost> mx(String domain) {
        Lookup<MxHost> result = query(domain, Type.MX, r -> r instanceof MXRecord mx
                ? new MxHost(mx.getPriority(), hostOf(mx.getTarget())) : null);
        if (result instanceof Lookup.Found<MxHost> found) {
            return new Lookup.Found<>(DnsResolver.tryOrder(found.records(), random));
        }
        return result;
    }

    @Override
    public Lookup<InetAddress> addresses(String host) {
        Lookup<InetAddress> v4 = query(host, Type.A, r -> r instanceof ARecord a ? a.getAddress() : null);
        Lookup<InetAddress> v6 = query(host, Type.AAAA, r -> r instanceof AAAARecord a ? a.getAddress() : null);
        List<InetAddress> all = new ArrayList<>();
        if (v4 instanceof Lookup.Found<InetAddress> f) all.addAll(f.records());
        if (v6 instanceof Lookup.Found<InetAddress> f) all.addAll(f.records());
        if (!all.isEmpty()) return new Lookup.Found<>(all);
        if (v4 instanceof Lookup.TempFail<InetAddress> t) return t;
        if (v6 instanceof Lookup.TempFail<InetAddress> t) return t;
        if (v4 instanceof Lookup.NoDomain<InetAddress>) return v4;
        return new Lookup.NoData<>();
    }

    @Override
    public Lookup<String> txt(String name) {
        return query(name, Type.TXT, r -> r instanceof TXTRecord t ? String.join("", t.getStrings()) : null);
    }

    private <T> Lookup<T> query(String domain, int type, Function<Record, T> extract) {
        Name name;
        try {
            name = Name.fromString(domain.toLowerCase(Locale.ROOT).endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            return new Lookup.NoDomain<>();
        }
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            Message response;
            try {
                response = resolver.send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
            } catch (IOException e) {
                return new Lookup.TempFail<>("DNS query for " + domain + " failed: " + e.getMessage());
            }
            int rcode = response.getRcode();
            if (rcode == Rcode.NXDOMAIN) return new Lookup.NoDomain<>();
            if (rcode != Rcode.NOERROR) return new Lookup.TempFail<>("DNS server answered " + Rcode.string(rcode) + " for " + domain);
            List<T> found = new ArrayList<>();
            Name cname = null;
            for (Record r : response.getSection(Section.ANSWER)) {
                T value = r.getType() == type ? extract.apply(r) : null;
                if (value != null) found.add(value);
                else if (r instanceof CNAMERecord c && r.getName().equals(name)) cname = c.getTarget();
            }
            if (!found.isEmpty()) return new Lookup.Found<>(found);
            if (cname == null) return new Lookup.NoData<>();
            name = cname; // follow the alias the server did not resolve for us
        }
        return new Lookup.TempFail<>("CNAME chain too long for " + domain);
    }

    private static String hostOf(Name target) {
        String s = target.toString();
        if (s.equals(".")) return ".";
        return (s.endsWith(".") ? s.substring(0, s.length() - 1) : s).toLowerCase(Locale.ROOT);
    }
}
