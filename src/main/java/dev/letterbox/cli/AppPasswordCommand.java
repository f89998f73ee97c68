package dev.letterbox.cli;

import dev.letterbox.auth.CreatedAppPassword;
import dev.letterbox.auth.Directory;
import dev.letterbox.store.AppPassword;
import dev.letterbox.store.LoginProtocol;
import dev.letterbox.store.MailStore;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "app-password", mixinStandardHelpOptions = true,
        description = "Passwords of their own for mail apps: one per app, limited to some protocols, revocable.")
final class AppPasswordCommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Create an app password and print it (once: only its hash is kept).")
    int add(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address,
            @Parameters(paramLabel = "NAME", description = "what it is for, e.g. Phone") String name,
            @Option(names = "--protocols", paramLabel = "LIST",
                    description = "where it works: imap,pop3,smtp,managesieve,jmap (default: all)") String protocols)
            throws Exception {
        Set<LoginProtocol> allowed = protocols == null ? LoginProtocol.all() : parse(protocols);
        try (MailStore store = data.openStore(false)) {
            CreatedAppPassword made = DataOption.directory(store).addAppPassword(address, name, allowed);
            System.out.println("added app password '" + made.appPassword().name() + "' for " + address + " ("
                    + LoginProtocol.formatList(made.appPassword().protocols()) + ")");
            System.out.println("password: " + made.secret());
            System.out.println("(shown only now: type it into the app instead of the account's password)");
        }
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an account's app passwords.")
    int list(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address) throws Exception {
        try (MailStore store = data.openStore(false)) {
            Directory dir = DataOption.directory(store);
            List<AppPassword> all = dir.appPasswords(address);
            boolean required = dir.requireAccount(address).requireAppPasswords();
            System.out.printf("%-24s %-32s %-16s %-16s  %s%n", "NAME", "PROTOCOLS", "CREATED", "LAST USED", "LAST IP");
            for (AppPassword p : all) {
                System.out.printf("%-24s %-32s %-16s %-16s  %s%n", p.name(), LoginProtocol.formatList(p.protocols()),
                        TIME.format(p.created()), p.lastUsed().map(TIME::format).orElse("never"), p.lastIp().orElse("-"));
            }
            System.out.println(required ? "mail apps must use an app password (the account's password is refused)"
                    : "the account's password also works in mail apps");
        }
        return 0;
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke an app password at once; sessions logged in with it end at their next command.")
    int revoke(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address,
               @Parameters(paramLabel = "NAME") String name) throws Exception {
        try (MailStore store = data.openStore(false)) {
            DataOption.directory(store).revokeAppPassword(address, name);
            System.out.println("revoked app password '" + name + "' of " + address);
        }
        return 0;
    }

    @Command(name = "require", mixinStandardHelpOptions = true,
            description = "Whether mail apps must use app passwords (on: the account's password is refused for "
                    + "IMAP, POP3, SMTP and ManageSieve, and sessions logged in with it end).")
    int require(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address,
                @Parameters(paramLabel = "on|off") String onOff) throws Exception {
        boolean on = switch (onOff) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new Main.CliExit(2, "say on or off, not '" + onOff + "'");
        };
        try (MailStore store = data.openStore(false)) {
            DataOption.directory(store).setRequireAppPasswords(address, on);
            System.out.println(address + (on ? ": mail apps must use app passwords" : ": the account's password works in mail apps again"));
        }
        return 0;
    }

    private static Set<LoginProtocol> parse(String list) {
        try {
            return LoginProtocol.parseList(list);
        } catch (IllegalArgumentException e) {
            throw new Main.CliExit(2, e.getMessage());
        }
    }
}
