package dev.letterbox.cli;

import dev.letterbox.archive.ArchiveException;
import dev.letterbox.archive.Importer;
import dev.letterbox.archive.MessageArchive;
import dev.letterbox.archive.Progress;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailboxException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Brings mail in from the server or program an account is moving from. Exit codes: 0 all stored;
 * 65 the archive is malformed or some messages were refused (named on stderr; the rest is stored);
 * 73 the account's quota is full; 75 the store failed (run it again: it goes on where it stopped).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import an mbox file, a Maildir or a directory of .eml files into an account.",
                "An interrupted import goes on where it stopped when run again; nothing is stored twice."})
final class ImportCommand implements Callable<Integer> {
    static final int EX_DATAERR = 65;

    @Mixin
    DataOption data;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "the account")
    String address;

    @Parameters(index = "1", paramLabel = "PATH", description = "mbox file, Maildir, or directory of .eml files")
    Path path;

    @Option(names = "--mailbox", paramLabel = "NAME", defaultValue = "INBOX",
            description = "folder for an mbox or .eml files (default INBOX; a Maildir keeps its own folders)")
    String mailbox;

    @Option(names = "--mboxo", description = "the mbox escapes only \">From \" lines (mboxo), not \">>From \" (mboxrd, the default)")
    boolean mboxo;

    @Option(names = "--restart", description = "forget an earlier (interrupted or complete) import of PATH and import it all")
    boolean restart;

    @Override
    public Integer call() throws Exception {
        try (MailStore store = data.openStore(false)) {
            Account account = DataOption.directory(store).requireAccount(address);
            long maxSize = data.loadConfig().smtp().maxMessageSize();
            boolean terminal = System.console() != null;
            Importer importer = new Importer(store, account.id(), data.dir().resolve("imports"), maxSize,
                    new Progress(System.err, terminal));
            Importer.Result result;
            try (MessageArchive archive = MessageArchive.open(path, mailbox, !mboxo)) {
                result = importer.run(archive, path, restart);
            } catch (ArchiveException e) {
                throw new Main.CliExit(EX_DATAERR, e.getMessage());
            } catch (MailboxException e) {
                if (e.reason() == MailboxException.Reason.OVER_QUOTA) {
                    throw new Main.CliExit(DeliverCommand.EX_CANTCREAT, address + " is over quota; what was imported before stays, "
                            + "run the import again once there is room");
                }
                throw e;
            } catch (java.io.IOException | dev.letterbox.store.StoreException e) {
                // the disk or the store failed, not the archive: a later run goes on from where this one stopped
                throw new Main.CliExit(DeliverCommand.EX_TEMPFAIL, "cannot store now (" + e.getMessage()
                        + "); run the import again to go on where it stopped");
            }
            for (String refused : result.refused()) System.err.println("letterbox: not imported: " + refused);
            System.out.println("imported " + result.imported() + " messages into " + address
                    + (result.importedBefore() > 0 ? " (" + result.importedBefore() + " more by the earlier run)" : "")
                    + (result.refused().isEmpty() ? "" : "; " + result.refused().size() + " not imported"));
            return result.refused().isEmpty() ? 0 : EX_DATAERR;
        }
    }
}
