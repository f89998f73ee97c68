package dev.letterbox.cli;

import dev.letterbox.store.Domain;
import dev.letterbox.store.MailStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "domain", mixinStandardHelpOptions = true, description = "Add, list and remove hosted domains.")
final class DomainCommand {
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Host a domain (mail for it is accepted here).")
    int add(@Mixin DataOption data, @Parameters(paramLabel = "DOMAIN") String name) throws Exception {
        try (MailStore store = data.openStore(true)) {
            Domain d = DataOption.directory(store).addDomain(name);
            System.out.println("added domain " + d.name());
        }
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List hosted domains.")
    int list(@Mixin DataOption data) throws Exception {
        try (MailStore store = data.openStore(false)) {
            for (Domain d : DataOption.directory(store).domains()) System.out.println(d.name());
        }
        return 0;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Stop hosting a domain (it must have no accounts).")
    int remove(@Mixin DataOption data, @Parameters(paramLabel = "DOMAIN") String name) throws Exception {
        try (MailStore store = data.openStore(false)) {
            DataOption.directory(store).removeDomain(name);
            System.out.println("removed domain " + name);
        }
        return 0;
    }
}
