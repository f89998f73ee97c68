package dev.letterbox.cli;

import dev.letterbox.auth.DirectoryException;
import dev.letterbox.config.ConfigException;
import dev.letterbox.server.LogSetup;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.StoreException;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./letterbox}. */
@Command(name = "letterbox", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "An all-in-one email server: SMTP, IMAP and POP3 on one embedded store.",
        subcommands = {ServeCommand.class, DomainCommand.class, UserCommand.class, AliasCommand.class, ForwardCommand.class, ShareCommand.class,
                DeliverCommand.class, QueueCommand.class, SettingsCommand.class, DnsCommand.class,
                AdminTokenCommand.class, DkimCommand.class, MigrateStoreCommand.class, ImportCommand.class, ExportCommand.class,
                MigrateCommand.class, BackupCommand.class, RestoreCommand.class, FsckCommand.class, AppPasswordCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this directly). */
    public static int run(String... args) {
        LogSetup.install("warning", System.err); // serve raises it to the configured level
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("letterbox: " + oneLine(e));
            return e instanceof CliExit exit ? exit.code : 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static String oneLine(Exception e) {
        if (e instanceof DirectoryException || e instanceof ConfigException || e instanceof MailboxException
                || e instanceof CliExit) {
            return e.getMessage();
        }
        if (e instanceof StoreException) return "storage error: " + e.getMessage();
        if (e instanceof IOException) return e.getMessage() == null ? e.toString() : e.getMessage();
        return e.toString();
    }

    /** An expected failure with its own exit code and message. */
    static final class CliExit extends RuntimeException {
        final int code;

        CliExit(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"Letterbox " + (v == null ? "(development build)" : v)};
        }
    }
}
