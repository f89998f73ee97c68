package dev.letterbox.cli;

import dev.letterbox.auth.Addresses;
import dev.letterbox.setup.ClientSettings;
import dev.letterbox.setup.HostnameAdvice;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Protocol;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints what a mail client needs for an account, like a provider's help page. Ports come from the
 * running server (DATA/server.properties) when there is one, else from the config.
 */
@Command(name = "settings", mixinStandardHelpOptions = true, description = "Show mail client settings for ADDRESS.")
final class SettingsCommand implements Callable<Integer> {
    @Mixin
    DataOption data;


    @Parameters(paramLabel = "ADDRESS")
    String address;

    @Override
    public Integer call() throws Exception {
        Account account;
        try (MailStore store = data.openStore(false)) {
            account = DataOption.directory(store).account(address)
                    .orElseThrow(() -> new Main.CliExit(1, "no account " + address));
        }
        Listeners listeners = Listeners.find(data.dir(), () -> data.loadConfig());
        ClientSettings settings = ClientSettings.of(listeners.hostname(), listeners.ports());
        System.out.println("Mail settings for " + account.address());
        System.out.println();
        HostnameAdvice.warning(settings.hostname(), Optional.of(Addresses.domainOf(account.address())))
                .ifPresent(w -> System.out.println("WARNING: " + w + "\n"));
        System.out.printf("%-11s %-10s %-32s %-6s %-10s %s%n", "", "DIRECTION", "SERVER", "PORT", "SECURITY", "USERNAME");
        for (ClientSettings.Entry e : settings.entries()) {
            String direction = switch (e.kind()) {
                case SMTP -> "outgoing";
                case MANAGESIEVE -> "filters";
                default -> "incoming";
            };
            String security = e.security() == ClientSettings.Security.TLS ? "SSL/TLS" : "STARTTLS";
            String note = account.allows(protocolOf(e.kind())) ? "" : "   (disabled for this account)";
            System.out.printf("%-11s %-10s %-32s %-6d %-10s %s%s%n", e.kind(), direction, settings.hostname(), e.port(),
                    security, account.address(), note);
        }
        System.out.println();
        System.out.println("Password: the account's password (normal password authentication).");
        if (!listeners.running()) System.out.println("(The server is not running: ports are from the configuration.)");
        return 0;
    }

    private static Protocol protocolOf(ClientSettings.Kind kind) {
        return switch (kind) {
            case IMAP -> Protocol.IMAP;
            case POP3 -> Protocol.POP3;
            case SMTP -> Protocol.SMTP;
            case MANAGESIEVE -> Protocol.IMAP; // filters come with mailbox access
        };
    }
}
