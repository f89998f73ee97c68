package dev.letterbox.checks;

import dev.letterbox.config.Config;
import dev.letterbox.delivery.Check;
import dev.letterbox.dmarc.AggregateReports;
import dev.letterbox.dmarc.OrganizationalDomain;
import dev.letterbox.dns.DnsResolver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The checks of mail from the Internet the configuration asks for, in the order they add their fields. */
public final class InboundChecks {
    private InboundChecks() {}

    /**
     * @param hosted  whether a domain is hosted here
     * @param reports where DMARC results are counted for aggregate reports, or null for none
     */
    public static List<Check> from(Config config, DnsResolver dns, Clock clock, java.util.function.Predicate<String> hosted,
                                   OrganizationalDomain psl, AggregateReports reports) {
        Config.Antispam a = config.antispam();
        ClientFilter filter = new ClientFilter(a.trustedNetworks());
        List<Check> checks = new ArrayList<>();
        if (a.senderChecks()) {
            checks.add(new SenderAuthentication(dns, config.hostname(), config.dns().timeout(), filter, a.fcrdns(),
                    a.maxDkimSignatures(), psl, reports));
        }
        Reputation reputation = new Reputation(dns, config.dns().timeout(), filter, a.dnsbl(), a.dnsblAction(), a.dnswl(),
                a.heloChecks(), config.hostname(), hosted);
        if (reputation.isActive()) checks.add(reputation);
        if (a.greylisting()) checks.add(new Greylist(a.greylistDelay(), clock, filter));
        for (Config.Milter m : config.milters()) checks.add(new MilterCheck(m, filter, config.hostname()));
        return checks;
    }
}
