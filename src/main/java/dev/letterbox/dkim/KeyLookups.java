package dev.letterbox.dkim;

import dev.letterbox.dns.DnsResolver;
import dev.letterbox.dns.Lookup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The key record lookups of one message, started as soon as the header names them so DNS runs
 * while the body still arrives. Each name is queried once however many signatures use it, on its
 * own virtual thread (the resolver blocks). {@link Pending#await} waits no later than the caller's
 * deadline; a lookup still running then is a temperror, and its thread ends with the resolver's
 * own timeout. Not for sharing between messages: results are not cached here.
 */
public final class KeyLookups {
    /** At most this many records at one name are tried; more are most likely junk. */
    static final int MAX_RECORDS = 4;

    private final DnsResolver dns;
    private final Clock clock;
    private final Map<String, Pending> started = new HashMap<>();

    public KeyLookups(DnsResolver dns, Clock clock) {
        this.dns = dns;
        this.clock = clock;
    }

    /**
     * Starts (or joins) the lookup of {@code selector._domainkey.domain}. A selector or domain that
     * is no DNS name is not queried: its lookup fails with permerror.
     */
    public Pending lookup(String selector, String domain) {
        String name = (selector + "._domainkey." + domain).toLowerCase(Locale.ROOT);
        return started.computeIfAbsent(name, n -> {
            CompletableFuture<Lookup<String>> answer = new CompletableFuture<>();
            if (!DkimSignature.validDomain(n)) {
                answer.complete(new Lookup.NoDomain<>());
                return new Pending(n, answer);
            }
            Thread.ofVirtual().name("dkim-key-lookup").start(() -> {
                try {
                    answer.complete(dns.txt(n));
                } catch (RuntimeException e) {
                    answer.complete(new Lookup.TempFail<>(e.getClass().getSimpleName()));
                }
            });
            return new Pending(n, answer);
        });
    }

    /** One lookup in flight. */
    public final class Pending {
        private final String name;
        private final CompletableFuture<Lookup<String>> answer;

        private Pending(String name, CompletableFuture<Lookup<String>> answer) {
            this.name = name;
            this.answer = answer;
        }

        /**
         * The key records found, waiting until {@code deadline} at the latest: temperror when DNS
         * failed or is too slow, permerror when there is no record or none is a valid key record.
         */
        public List<PublicKeyRecord> await(Instant deadline) throws DkimException {
            Lookup<String> result;
            try {
                long wait = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
                result = answer.get(wait, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new DkimException(DkimResult.Status.TEMPERROR, "key lookup for " + name + " did not finish in time");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DkimException(DkimResult.Status.TEMPERROR, "interrupted while looking up " + name);
            } catch (ExecutionException e) {
                throw new DkimException(DkimResult.Status.TEMPERROR, "key lookup for " + name + " failed");
            }
            return switch (result) {
                case Lookup.TempFail<String> t -> throw new DkimException(DkimResult.Status.TEMPERROR,
                        "DNS error looking up " + name + " (" + t.reason() + ")");
                case Lookup.NoDomain<String> n -> throw DkimException.permerror("no key record at " + name);
                case Lookup.NoData<String> n -> throw DkimException.permerror("no key record at " + name);
                case Lookup.Found<String> f -> parse(f.records());
            };
        }

        private List<PublicKeyRecord> parse(List<String> records) throws DkimException {
            List<PublicKeyRecord> keys = new ArrayList<>();
            DkimException first = null;
            for (String txt : records.subList(0, Math.min(records.size(), MAX_RECORDS))) {
                try {
                    keys.add(PublicKeyRecord.parse(txt));
                } catch (DkimException e) {
                    if (first == null) first = e;
                }
            }
            if (keys.isEmpty()) throw first != null ? first : DkimException.permerror("no key record at " + name);
            return keys;
        }
    }
}
