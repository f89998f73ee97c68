package dev.letterbox.cli;

import dev.letterbox.archive.ArchiveException;
import dev.letterbox.archive.Exporter;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailStore;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Writes an account's mail out as a Maildir or mbox files, for another server or program. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export an account's mailboxes into a new directory, as a Maildir (default) or mbox files.")
final class ExportCommand implements Callable<Integer> {
    @Mixin
    DataOption data;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "the account")
    String address;

    @Parameters(index = "1", paramLabel = "DIR", description = "a new or empty directory")
    Path target;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "maildir", description = "maildir or mbox")
    String format;

    @Option(names = "--mailbox", paramLabel = "NAME", description = "only this mailbox")
    String mailbox;

    @Override
    public Integer call() throws Exception {
        Exporter.Format f = switch (format.toLowerCase(java.util.Locale.ROOT)) {
            case "maildir" -> Exporter.Format.MAILDIR;
            case "mbox" -> Exporter.Format.MBOX;
            default -> throw new Main.CliExit(2, "--format must be maildir or mbox");
        };
        try (MailStore store = data.openStore(false)) {
            Account account = DataOption.directory(store).requireAccount(address);
            long n;
            try {
                n = new Exporter(store, account.id()).run(target, f, Optional.ofNullable(mailbox));
            } catch (ArchiveException e) {
                throw new Main.CliExit(1, e.getMessage());
            }
            System.out.println("exported " + n + " messages of " + address + " into " + target);
            return 0;
        }
    }
}
