package dev.letterbox.cli;

import dev.letterbox.archive.ArchiveException;
import dev.letterbox.archive.Importer;
import dev.letterbox.archive.Progress;
import dev.letterbox.migrate.ImapMigration;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Copies an account's mail from the IMAP server it is moving from: every folder, flag, keyword and
 * internal date; run again, it copies what arrived since. Exit codes as {@code import}'s, plus 69
 * when the server cannot be reached or refuses the login.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Copy an account's mail from another IMAP server (imaps://USER@HOST[:PORT] or imap://… with STARTTLS).",
                "Run it again to copy what arrived since; nothing is copied twice."})
final class MigrateCommand implements Callable<Integer> {
    static final int EX_UNAVAILABLE = 69;

    @Mixin
    DataOption data;

    @Option(names = "--from", required = true, paramLabel = "URL", description = "imaps://USER@HOST[:PORT] (or imap:// for STARTTLS)")
    String from;

    @Parameters(paramLabel = "ADDRESS", description = "the account here")
    String address;

    @Option(names = "--password-file", paramLabel = "FILE", description = "the source account's password, in a file")
    Path passwordFile;

    @Option(names = "--password-stdin", description = "read the source account's password from standard input")
    boolean passwordStdin;

    @Option(names = "--any-certificate", description = "accept the source server's certificate even if nobody vouches for it (self-signed)")
    boolean anyCertificate;

    @Option(names = "--restart", description = "forget earlier runs and copy everything again")
    boolean restart;

    @Override
    public Integer call() throws Exception {
        ImapMigration.Source source;
        try {
            source = ImapMigration.Source.parse(from);
        } catch (IllegalArgumentException e) {
            throw new Main.CliExit(2, "--from: " + e.getMessage());
        }
        String password = password();
        try (MailStore store = data.openStore(false)) {
            Account account = DataOption.directory(store).requireAccount(address);
            Importer importer = new Importer(store, account.id(), data.dir().resolve("imports"),
                    data.loadConfig().smtp().maxMessageSize(), new Progress(System.err, System.console() != null));
            List<String> warnings = new ArrayList<>();
            Importer.Result result;
            try {
                result = new ImapMigration(importer).run(source, password, anyCertificate, restart, warnings);
            } catch (ArchiveException e) {
                throw new Main.CliExit(ImportCommand.EX_DATAERR, e.getMessage());
            } catch (MailboxException e) {
                if (e.reason() == MailboxException.Reason.OVER_QUOTA) {
                    throw new Main.CliExit(DeliverCommand.EX_CANTCREAT, address + " is over quota; what was copied stays");
                }
                throw e;
            } catch (IOException e) {
                throw new Main.CliExit(EX_UNAVAILABLE, source.display() + ": " + e.getMessage());
            }
            for (String w : warnings) System.err.println("letterbox: warning: " + w);
            for (String refused : result.refused()) System.err.println("letterbox: not copied: " + refused);
            System.out.println("copied " + result.imported() + " messages from " + source.display() + " into " + address
                    + (result.importedBefore() > 0 ? " (" + result.importedBefore() + " by earlier runs)" : ""));
            return result.refused().isEmpty() ? 0 : ImportCommand.EX_DATAERR;
        }
    }

    private String password() throws IOException {
        if (passwordFile != null) return Files.readString(passwordFile).strip();
        if (passwordStdin) return new String(System.in.readAllBytes()).strip();
        throw new Main.CliExit(2, "give the source account's password with --password-file FILE or --password-stdin");
    }
}
