package dev.letterbox.checks;

import dev.letterbox.config.Config;
import dev.letterbox.delivery.Check;
import dev.letterbox.dkim.DkimAlgorithm;
import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimKeyStore;
import dev.letterbox.dmarc.AggregateReports;
import dev.letterbox.dmarc.OrganizationalDomain;
import dev.letterbox.dns.DnsResolver;
import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/** The checks of mail from the Internet the configuration asks for, in the order they add their fields. */
public final class InboundChecks {
    private InboundChecks() {}

    /** How long the checks trust an answer to "is this domain hosted here" (a domain just added waits this long). */
    static final Duration HOSTED_TTL = Duration.ofSeconds(10);
    /** Distinct domains remembered; a client cycling through names only costs store reads again. */
    static final int HOSTED_ENTRIES = 1_000;

    /**
     * @param hosted  whether a domain is hosted here (asked through a short-lived cache: see {@link #HOSTED_TTL})
     * @param reports where DMARC results are counted for aggregate reports, or null for none
     */
    public static List<Check> from(Config config, DnsResolver dns, Clock clock, Predicate<String> hosted,
                                   OrganizationalDomain psl, AggregateReports reports) {
        Predicate<String> hostedNow = remembered(hosted, Ticker.systemTicker());
        Config.Antispam a = config.antispam();
        ClientFilter filter = new ClientFilter(a.trustedNetworks());
        List<Check> checks = new ArrayList<>();
        if (a.senderChecks()) {
            checks.add(new SenderAuthentication(dns, config.hostname(), config.dns().timeout(), filter, a.fcrdns(),
                    a.maxDkimSignatures(), psl, reports, sealingKeys(new DkimKeyStore(config.dataDir()), hostedNow)));
        }
        Reputation reputation = new Reputation(dns, config.dns().timeout(), filter, a.dnsbl(), a.dnsblAction(), a.dnswl(),
                a.heloChecks(), config.hostname(), hostedNow);
        if (reputation.isActive()) checks.add(reputation);
        if (a.greylisting()) checks.add(new Greylist(a.greylistDelay(), clock, filter));
        for (Config.Milter m : config.milters()) checks.add(new MilterCheck(m, filter, config.hostname()));
        return checks;
    }

    /**
     * {@code hosted}, with its answers kept for {@link #HOSTED_TTL}: the checks ask about the HELO
     * name and the forwarding domain of every message, and each answer is a store read.
     */
    static Predicate<String> remembered(Predicate<String> hosted, Ticker ticker) {
        Cache<String, Boolean> answers = CacheBuilder.newBuilder().maximumSize(HOSTED_ENTRIES)
                .expireAfterWrite(HOSTED_TTL).ticker(ticker).build();
        return domain -> {
            Boolean known = answers.getIfPresent(domain);
            if (known != null) return known;
            boolean answer = hosted.test(domain);
            answers.put(domain, answer);
            return answer;
        };
    }

    /**
     * The key a hosted domain seals forwarded mail with: one of its DKIM keys, RSA first (receivers
     * check Ed25519 ARC seals less often than Ed25519 DKIM signatures).
     */
    static Function<String, Optional<DkimKey>> sealingKeys(DkimKeyStore store, Predicate<String> hosted) {
        return domain -> {
            if (!hosted.test(domain)) return Optional.empty();
            try {
                List<DkimKey> keys = store.keys(domain);
                return keys.stream().filter(k -> k.algorithm() == DkimAlgorithm.RSA_SHA256).findFirst()
                        .or(() -> keys.stream().findFirst());
            } catch (IOException e) {
                return Optional.empty();
            }
        };
    }
}
