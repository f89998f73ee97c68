package dev.letterbox.cli;

import dev.letterbox.store.Alias;
import dev.letterbox.store.MailStore;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "alias", mixinStandardHelpOptions = true,
        description = "Manage aliases: ADDRESS (or @domain for a catch-all) delivers to one or more targets.")
final class AliasCommand {
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Make ADDRESS deliver to TARGET (run again for more targets).")
    int add(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address,
            @Parameters(paramLabel = "TARGET") String target) throws Exception {
        try (MailStore store = data.openStore(false)) {
            DataOption.directory(store).addAlias(address, target);
            System.out.println("alias " + address + " -> " + target);
        }
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List aliases, optionally of one domain.")
    int list(@Mixin DataOption data, @Parameters(paramLabel = "DOMAIN", arity = "0..1") String domain) throws Exception {
        try (MailStore store = data.openStore(false)) {
            for (Alias a : DataOption.directory(store).aliases(Optional.ofNullable(domain))) {
                System.out.println(a.address() + " -> " + String.join(", ", a.targets()));
            }
        }
        return 0;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an alias, or one target of it.")
    int remove(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address,
               @Parameters(paramLabel = "TARGET", arity = "0..1") String target) throws Exception {
        try (MailStore store = data.openStore(false)) {
            DataOption.directory(store).removeAlias(address, Optional.ofNullable(target));
            System.out.println("removed alias " + address + (target == null ? "" : " -> " + target));
        }
        return 0;
    }
}
