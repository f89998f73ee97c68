package dev.letterbox.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Stub resolver over dnsjava: sends each query to the configured servers (or the system's, from
 * /etc/resolv.conf), follows CNAMEs, and caches answers per TTL in one bounded {@link DnsCache}
 * shared by every view made with {@link #within}.
 *
 * <p>Time: one lookup (all its CNAME hops) never takes longer than {@code timeout}, and a view's
 * lookup never runs past the view's deadline — the wait for a query in flight is abandoned then, so
 * a server that never answers costs at most the deadline. dnsjava's own per-query timer is set to
 * half the timeout, so one retry fits.
 *
 * <p>Junk is bounded by the wire: an answer is at most 64 KB (dnsjava falls back to TCP for
 * truncated UDP answers and parses the rest); CNAME chains are cut after {@value #MAX_CNAME_HOPS}
 * hops; anything dnsjava throws becomes a {@link Lookup.TempFail}.
 */
public final class DnsjavaResolver implements DnsResolver {
    static final int MAX_CNAME_HOPS = 8;
    /** A budget beyond a day is treated as a day, so the deadline arithmetic cannot overflow. */
    private static final long MAX_BUDGET_SECONDS = 86_400;

    private final Resolver resolver;
    private final long timeoutNanos;
    private final DnsCache cache;
    private final Random random = new SecureRandom();
    private final View unbounded = new View(false, 0);

    /** {@code servers}: "host" or "host:port" entries; empty means the system's resolvers. */
    public DnsjavaResolver(List<String> servers, Duration timeout) {
        this(servers, timeout, Clock.systemUTC(), DnsCache.DEFAULT_MAX_ENTRIES);
    }

    /** As above, with the clock that ages cache entries and the cache's entry limit (tests). */
    public DnsjavaResolver(List<String> servers, Duration timeout, Clock clock, int cacheEntries) {
        Duration perAttempt = timeout.dividedBy(2);
        List<Resolver> resolvers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        if (servers.isEmpty()) addresses.addAll(ResolverConfig.getCurrentConfig().servers());
        else for (String s : servers) addresses.add(parseServer(s));
        if (addresses.isEmpty()) addresses.add(new InetSocketAddress("127.0.0.1", 53));
        for (InetSocketAddress a : addresses) {
            SimpleResolver simple = new SimpleResolver(a);
            simple.setTimeout(perAttempt);
            resolvers.add(simple);
        }
        ExtendedResolver extended = new ExtendedResolver(resolvers);
        extended.setTimeout(timeout);
        extended.setRetries(2);
        this.resolver = extended;
        this.timeoutNanos = timeout.toNanos();
        this.cache = new DnsCache(clock, cacheEntries, DnsCache.DEFAULT_MAX_BYTES);
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
        return unbounded.mx(domain);
    }

    @Override
    public Lookup<InetAddress> a(String host) {
        return unbounded.a(host);
    }

    @Override
    public Lookup<InetAddress> aaaa(String host) {
        return unbounded.aaaa(host);
    }

    @Override
    public Lookup<String> ptr(InetAddress address) {
        return unbounded.ptr(address);
    }

    @Override
    public Lookup<String> txt(String name) {
        return unbounded.txt(name);
    }

    @Override
    public DnsResolver within(Duration budget) {
        return unbounded.within(budget);
    }

    /** Entries in the cache now (tests). */
    int cachedAnswers() {
        return cache.size();
    }

    /** This resolver seen through a deadline (System.nanoTime based); {@code bounded} false: none. */
    private final class View implements DnsResolver {
        private final boolean bounded;
        private final long deadline;

        View(boolean bounded, long deadline) {
            this.bounded = bounded;
            this.deadline = deadline;
        }

        @Override
        public Lookup<MxHost> mx(String domain) {
            Lookup<MxHost> result = lookup(DnsNames.parse(domain), Type.MX, r -> r instanceof MXRecord mx
                    ? new MxHost(mx.getPriority(), DnsNames.text(mx.getTarget())) : null);
            if (result instanceof Lookup.Found<MxHost> found) {
                return new Lookup.Found<>(DnsResolver.tryOrder(found.records(), random));
            }
            return result;
        }

        @Override
        public Lookup<InetAddress> a(String host) {
            return lookup(DnsNames.parse(host), Type.A, r -> r instanceof ARecord a ? a.getAddress() : null);
        }

        @Override
        public Lookup<InetAddress> aaaa(String host) {
            return lookup(DnsNames.parse(host), Type.AAAA, r -> r instanceof AAAARecord a ? a.getAddress() : null);
        }

        @Override
        public Lookup<String> ptr(InetAddress address) {
            return lookup(ReverseMap.fromAddress(address), Type.PTR,
                    r -> r instanceof PTRRecord p ? DnsNames.text(p.getTarget()) : null);
        }

        @Override
        public Lookup<String> txt(String name) {
            return lookup(DnsNames.parse(name), Type.TXT, r -> r instanceof TXTRecord t ? joined(t) : null);
        }

        @Override
        public DnsResolver within(Duration budget) {
            long proposed = System.nanoTime() + Math.min(budget.toSeconds(), MAX_BUDGET_SECONDS) * 1_000_000_000L
                    + (budget.toSeconds() < MAX_BUDGET_SECONDS ? budget.toNanosPart() : 0);
            if (bounded && deadline - proposed < 0) return this;
            return new View(true, proposed);
        }

        private <T> Lookup<T> lookup(Name name, int type, Function<Record, T> extract) {
            long now = System.nanoTime();
            if (bounded && deadline - now <= 0) return new Lookup.TempFail<>("DNS time limit reached");
            if (name == null) return new Lookup.NoDomain<>(); // no possible DNS name: nothing can exist there
            long end = now + timeoutNanos;
            if (bounded && deadline - end < 0) end = deadline;
            DnsCache.Key key = new DnsCache.Key(name, type);
            Lookup<Record> answer = cache.get(key);
            if (answer == null) answer = resolve(key, end);
            return extracted(answer, extract);
        }
    }

    private static <T> Lookup<T> extracted(Lookup<Record> answer, Function<Record, T> extract) {
        return switch (answer) {
            case Lookup.Found<Record> f -> {
                List<T> values = new ArrayList<>(f.records().size());
                for (Record r : f.records()) {
                    T v = extract.apply(r);
                    if (v != null) values.add(v);
                }
                yield values.isEmpty() ? new Lookup.NoData<>() : new Lookup.Found<>(values);
            }
            case Lookup.NoData<Record> n -> new Lookup.NoData<>();
            case Lookup.NoDomain<Record> n -> new Lookup.NoDomain<>();
            case Lookup.TempFail<Record> t -> new Lookup.TempFail<>(t.reason());
        };
    }

    /** Asks the servers, following CNAMEs, and caches what is definite. Never throws. */
    private Lookup<Record> resolve(DnsCache.Key key, long end) {
        try {
            Chase chase = new Chase(key.name(), key.type());
            Lookup<Record> answer = chase.run(end);
            cache.put(key, answer, chase.ttl, DnsCache.weightOf(chase.seen));
            return answer;
        } catch (RuntimeException e) { // dnsjava surprises must not escape a lookup
            return new Lookup.TempFail<>("DNS lookup of " + key.name() + " failed: " + e);
        }
    }

    /** One lookup's walk along a CNAME chain; remembers the lowest TTL and every record seen. */
    private final class Chase {
        private final Name original;
        private final int type;
        private final List<Record> seen = new ArrayList<>();
        long ttl = Long.MAX_VALUE;

        Chase(Name name, int type) {
            this.original = name;
            this.type = type;
        }

        Lookup<Record> run(long end) {
            Name current = original;
            int hops = 0;
            while (true) {
                Message response;
                try {
                    response = send(current, end);
                } catch (DnsTrouble e) {
                    return new Lookup.TempFail<>(e.getMessage());
                }
                int rcode = response.getRcode();
                if (rcode == Rcode.NXDOMAIN) return negative(response, new Lookup.NoDomain<>());
                if (rcode != Rcode.NOERROR) {
                    return new Lookup.TempFail<>("DNS server answered " + Rcode.string(rcode) + " for " + current);
                }
                // Walk the chain as far as this answer goes: a recursive server usually sends it whole.
                List<Record> answer = response.getSection(Section.ANSWER);
                boolean moved = false;
                while (true) {
                    List<Record> found = new ArrayList<>();
                    Name next = null;
                    for (Record r : answer) {
                        if (!r.getName().equals(current)) continue;
                        if (r.getType() == type) found.add(r);
                        else if (r instanceof CNAMERecord c) next = c.getTarget();
                    }
                    if (!found.isEmpty()) {
                        for (Record r : found) note(r);
                        return new Lookup.Found<>(found);
                    }
                    if (next == null) break;
                    if (++hops > MAX_CNAME_HOPS) return new Lookup.TempFail<>("CNAME chain too long for " + original);
                    for (Record r : answer) if (r.getName().equals(current) && r instanceof CNAMERecord) note(r);
                    current = next;
                    moved = true;
                }
                if (!moved) return negative(response, new Lookup.NoData<>());
                // The answer stopped at an alias the server did not resolve for us: ask for it.
            }
        }

        private void note(Record r) {
            seen.add(r);
            ttl = Math.min(ttl, r.getTTL());
        }

        /** RFC 2308 §5: a negative answer lives for min(SOA TTL, SOA MINIMUM); without SOA, not at all. */
        private Lookup<Record> negative(Message response, Lookup<Record> kind) {
            long negativeTtl = 0;
            for (Record r : response.getSection(Section.AUTHORITY)) {
                if (r instanceof SOARecord soa) {
                    negativeTtl = Math.min(soa.getTTL(), soa.getMinimum());
                    seen.add(soa);
                }
            }
            ttl = Math.min(ttl, negativeTtl);
            return kind;
        }

        private Message send(Name name, long end) throws DnsTrouble {
            long wait = end - System.nanoTime();
            if (wait <= 0) throw new DnsTrouble("DNS time limit reached before asking for " + name);
            Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
            CompletableFuture<Message> pending = resolver.sendAsync(query).toCompletableFuture();
            try {
                return pending.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                pending.cancel(true); // abandon it; dnsjava's own timer closes the socket
                throw new DnsTrouble("DNS query for " + name + " timed out");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new DnsTrouble("DNS query for " + name + " failed: " + cause.getMessage());
            } catch (InterruptedException e) {
                pending.cancel(true);
                Thread.currentThread().interrupt();
                throw new DnsTrouble("DNS query for " + name + " interrupted");
            }
        }
    }

    /** TXT strings are bytes; SPF and DKIM records are ASCII, so UTF-8 loses nothing they need. */
    private static String joined(TXTRecord t) {
        StringBuilder sb = new StringBuilder();
        for (byte[] s : t.getStringsAsByteArrays()) sb.append(new String(s, StandardCharsets.UTF_8));
        return sb.toString();
    }

    private static final class DnsTrouble extends Exception {
        DnsTrouble(String message) {
            super(message, null, false, false);
        }
    }
}
