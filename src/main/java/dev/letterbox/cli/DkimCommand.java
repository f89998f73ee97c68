package dev.letterbox.cli;

import dev.letterbox.dkim.DkimAlgorithm;
import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimKeyStore;
import dev.letterbox.setup.DnsRecords;
import dev.letterbox.store.MailStore;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dkim", mixinStandardHelpOptions = true, description = "DKIM keys that sign mail sent from your domains.")
final class DkimCommand {
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Create signing keys for DOMAIN and print the DNS TXT records to publish. "
                    + "Default: an RSA-2048 and an Ed25519 key, selectors YYYYMMr and YYYYMMe.")
    int generate(@Mixin DataOption data, @Parameters(paramLabel = "DOMAIN") String domain,
                 @Option(names = "--selector", paramLabel = "S",
                         description = "Selector (with both algorithms: the base, suffixed r and e)") String selector,
                 @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "both",
                         description = "rsa, ed25519 or both (default)") String algorithm) throws Exception {
        String normal;
        try (MailStore store = data.openStore(false)) {
            var dir = DataOption.directory(store);
            if (!dir.hostsDomain(domain)) throw new Main.CliExit(1, "domain " + domain + " is not hosted here");
            normal = dir.domains().stream().map(d -> d.name())
                    .filter(n -> n.equalsIgnoreCase(domain)).findFirst().orElse(domain);
        }
        List<DkimAlgorithm> algorithms = algorithm.equalsIgnoreCase("both")
                ? List.of(DkimAlgorithm.RSA_SHA256, DkimAlgorithm.ED25519_SHA256)
                : List.of(parse(algorithm));
        String base = selector != null ? selector : YearMonth.now(ZoneOffset.UTC).toString().replace("-", "");
        boolean suffix = selector == null || algorithms.size() > 1;
        DkimKeyStore keys = new DkimKeyStore(data.dir());
        List<DkimKey> made = new ArrayList<>();
        for (DkimAlgorithm a : algorithms) {
            String s = suffix ? base + (a == DkimAlgorithm.RSA_SHA256 ? "r" : "e") : base;
            made.add(keys.generate(normal, s, a));
        }
        System.out.println("; publish these TXT records, then outgoing mail from " + normal + " is signed with them");
        for (DkimKey k : made) System.out.println(zoneLine(k));
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Show the DKIM keys and their TXT records.")
    int list(@Mixin DataOption data, @Parameters(paramLabel = "DOMAIN", arity = "0..1") String domain) throws Exception {
        DkimKeyStore keys = new DkimKeyStore(data.dir());
        List<String> domains = domain == null ? keys.domains() : List.of(domain.toLowerCase(java.util.Locale.ROOT));
        for (String d : domains) for (DkimKey k : keys.keys(d)) System.out.println(zoneLine(k));
        return 0;
    }

    /** A zone-file line, the value split into 255-octet strings as TXT records require. */
    static String zoneLine(DkimKey k) {
        return k.recordName() + ". IN TXT " + DnsRecords.txt(k.recordValue()) + " ; DKIM " + k.algorithm().tag;
    }

    private static DkimAlgorithm parse(String name) {
        try {
            return DkimAlgorithm.parse(name);
        } catch (IllegalArgumentException e) {
            throw new Main.CliExit(1, e.getMessage());
        }
    }
}
