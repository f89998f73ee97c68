package dev.letterbox.cli;

import dev.letterbox.auth.Directory;
import dev.letterbox.config.Units;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Protocol;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage mail accounts.")
final class UserCommand {
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Create an account (with INBOX, Sent, Drafts, Trash, Junk, Archive). "
                    + "Prints a generated password unless --password-stdin is given.")
    int add(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address,
            @Option(names = "--password-stdin", description = "Read the password from the first line of stdin") boolean stdin,
            @Option(names = "--quota", paramLabel = "SIZE", description = "Mailbox quota, e.g. 2G or 500M (default: unlimited)") String quota,
            @Option(names = "--messages", paramLabel = "N", description = "The most messages it may hold (default: unlimited)") Long messages,
            @Option(names = "--protocols", paramLabel = "LIST", description = "Allowed protocols (default: imap,pop3,smtp)") String protocols)
            throws Exception {
        try (MailStore store = data.openStore(true)) {
            Directory dir = DataOption.directory(store);
            char[] password = stdin ? PasswordInput.fromStdin() : dir.generatePassword();
            String shown = stdin ? null : new String(password);
            Set<Protocol> allowed = protocols == null ? Protocol.all() : Protocol.parseList(protocols);
            Account a = dir.addAccount(address, password, quota == null ? 0 : size(quota), allowed);
            if (messages != null) dir.setMessageQuota(a.address(), messages);
            System.out.println("added " + a.address());
            if (shown != null) System.out.println("password: " + shown);
        }
        return 0;
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = "Set a new password (generated and printed unless --password-stdin).")
    int passwd(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address,
               @Option(names = "--password-stdin", description = "Read the password from the first line of stdin") boolean stdin)
            throws Exception {
        try (MailStore store = data.openStore(false)) {
            Directory dir = DataOption.directory(store);
            dir.requireAccount(address);
            char[] password = stdin ? PasswordInput.fromStdin() : dir.generatePassword();
            String shown = stdin ? null : new String(password);
            dir.setPassword(address, password);
            System.out.println("password changed for " + address);
            if (shown != null) System.out.println("password: " + shown);
        }
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts, optionally of one domain.")
    int list(@Mixin DataOption data, @Parameters(paramLabel = "DOMAIN", arity = "0..1") String domain) throws Exception {
        try (MailStore store = data.openStore(false)) {
            var accounts = DataOption.directory(store).accounts(Optional.ofNullable(domain));
            System.out.printf("%-40s %-9s %12s %12s %9s %10s  %s%n", "ADDRESS", "STATE", "USED", "QUOTA", "MESSAGES",
                    "MSG-QUOTA", "PROTOCOLS");
            for (Account a : accounts) {
                System.out.printf("%-40s %-9s %12s %12s %9s %10s  %s%n", a.address(), a.enabled() ? "enabled" : "disabled",
                        a.usedBytes(), a.quotaBytes() == 0 ? "unlimited" : Units.formatSize(a.quotaBytes()),
                        a.usedMessages(), a.quotaMessages() == 0 ? "unlimited" : a.quotaMessages(),
                        Protocol.formatList(a.protocols()));
            }
        }
        return 0;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete an account and all its mail.")
    int remove(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address) throws Exception {
        try (MailStore store = data.openStore(false)) {
            DataOption.directory(store).removeAccount(address);
            System.out.println("removed " + address);
        }
        return 0;
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Refuse all logins of an account (mail is still accepted).")
    int disable(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address) throws Exception {
        return setEnabled(data, address, false);
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Allow logins of a disabled account again.")
    int enable(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address) throws Exception {
        return setEnabled(data, address, true);
    }

    @Command(name = "quota", mixinStandardHelpOptions = true,
            description = "Set an account's storage quota and/or its message count limit (0 = unlimited).")
    int quota(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address,
              @Parameters(paramLabel = "SIZE", arity = "0..1", description = "Storage, e.g. 2G or 500M") String size,
              @Option(names = "--messages", paramLabel = "N", description = "The most messages it may hold") Long messages)
            throws Exception {
        if (size == null && messages == null) throw new Main.CliExit(1, "give a SIZE, --messages N, or both");
        try (MailStore store = data.openStore(false)) {
            Directory dir = DataOption.directory(store);
            if (size != null) {
                dir.setQuota(address, size(size));
                System.out.println("quota of " + address + " set to " + size);
            }
            if (messages != null) {
                dir.setMessageQuota(address, messages);
                System.out.println("message quota of " + address + " set to " + messages);
            }
        }
        return 0;
    }

    @Command(name = "protocols", mixinStandardHelpOptions = true,
            description = "Set which protocols an account may use, e.g. imap,smtp (POP3 off).")
    int protocols(@Mixin DataOption data, @Parameters(paramLabel = "ADDRESS") String address,
                  @Parameters(paramLabel = "LIST") String list) throws Exception {
        try (MailStore store = data.openStore(false)) {
            Set<Protocol> set = Protocol.parseList(list);
            DataOption.directory(store).setProtocols(address, set);
            System.out.println("protocols of " + address + ": " + (set.isEmpty() ? "none" : Protocol.formatList(set)));
        }
        return 0;
    }

    private int setEnabled(DataOption data, String address, boolean enabled) throws Exception {
        try (MailStore store = data.openStore(false)) {
            DataOption.directory(store).setEnabled(address, enabled);
            System.out.println((enabled ? "enabled " : "disabled ") + address);
        }
        return 0;
    }

    private static long size(String text) {
        return Units.parseSize(text).orElseThrow(() -> new Main.CliExit(1, "'" + text + "' is not a size (examples: 500M, 2G, 0)"));
    }
}
