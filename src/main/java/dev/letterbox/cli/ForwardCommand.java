package dev.letterbox.cli;

import dev.letterbox.auth.Directory;
import dev.letterbox.store.AccountForwarding;
import dev.letterbox.store.MailStore;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "forward", mixinStandardHelpOptions = true,
        description = {"Forward all mail of an account to another address (usually at another provider).",
                "  forward ADDRESS TARGET [--no-keep]   forward (a copy stays in the account unless --no-keep)",
                "  forward ADDRESS --off                stop forwarding",
                "  forward ADDRESS                      show the account's forwarding",
                "  forward [--domain DOMAIN]            list the accounts that forward"})
final class ForwardCommand implements Callable<Integer> {
    @Mixin
    DataOption data;

    @Parameters(paramLabel = "ADDRESS", arity = "0..1", description = "the account")
    String address;

    @Parameters(paramLabel = "TARGET", arity = "0..1", description = "where its mail goes")
    String target;

    @Option(names = "--keep", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "keep a copy in the account too (default; --no-keep forwards only)")
    boolean keep;

    @Option(names = "--off", description = "stop forwarding the account's mail")
    boolean off;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "list only the accounts of this domain")
    String domain;

    @Override
    public Integer call() throws Exception {
        try (MailStore store = data.openStore(false)) {
            Directory directory = DataOption.directory(store);
            if (address == null) {
                if (off) throw new Main.CliExit(2, "--off needs the ADDRESS of the account");
                for (AccountForwarding f : directory.forwardings(Optional.ofNullable(domain))) System.out.println(line(f));
                return 0;
            }
            if (off) {
                if (target != null) throw new Main.CliExit(2, "give either TARGET or --off, not both");
                directory.removeForwarding(address);
                System.out.println(address + " no longer forwards its mail");
            } else if (target != null) {
                System.out.println(line(directory.setForwarding(address, target, keep)));
            } else {
                System.out.println(directory.forwarding(address).map(ForwardCommand::line)
                        .orElse(address + " does not forward its mail"));
            }
        }
        return 0;
    }

    private static String line(AccountForwarding f) {
        return f.address() + " -> " + f.target() + (f.keepCopy() ? " (a copy stays here)" : " (no copy kept)");
    }
}
