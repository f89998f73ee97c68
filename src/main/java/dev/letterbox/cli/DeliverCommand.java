package dev.letterbox.cli;

import dev.letterbox.managesieve.ScriptChecker;
import dev.letterbox.server.AdminSieveScripts;

import dev.letterbox.delivery.Envelope;
import dev.letterbox.delivery.Outcome;
import dev.letterbox.delivery.Pipeline;
import dev.letterbox.delivery.RecipientDecision;
import dev.letterbox.delivery.Recipients;
import dev.letterbox.queue.MailQueue;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.StoreException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The local delivery agent: reads one message from stdin and stores it in each recipient's INBOX,
 * through the same delivery pipeline as mail received over SMTP. Exit codes follow sysexits(3) so
 * scripts and MTAs can act on them: 0 only when every copy is durably stored; 67 unknown recipient
 * (nothing stored); 73 over quota; 75 temporary failure (the store could not take the message: try
 * again later).
 */
@Command(name = "deliver", mixinStandardHelpOptions = true,
        description = "Deliver a message read from standard input to local ADDRESSes (aliases are expanded).")
final class DeliverCommand implements Callable<Integer> {
    static final int EX_NOUSER = 67, EX_CANTCREAT = 73, EX_TEMPFAIL = 75;

    @Mixin
    DataOption data;

    @Option(names = "--from", paramLabel = "SENDER", description = "Envelope sender, recorded as Return-Path")
    String from;

    @Parameters(paramLabel = "ADDRESS", arity = "1..*")
    List<String> addresses;

    @Override
    public Integer call() throws Exception {
        try (MailStore store = data.openStore(false)) {
            var config = data.loadConfig();
            Pipeline pipeline = new Pipeline(store, DataOption.directory(store), new MailQueue(store.queue()), config.hostname());
            // the administrator's scripts as the server runs them (a script that does not compile is left out, with a warning)
            var admin = AdminSieveScripts.load(config.sieve(), ScriptChecker.ACCEPT_ALL);
            pipeline.sieve(config.sieve().maxRedirects(), admin.before().stream().map(AdminSieveScripts.Script::source).toList(),
                    admin.after().stream().map(AdminSieveScripts.Script::source).toList());
            Recipients recipients = new Recipients();
            for (String address : addresses) {
                switch (pipeline.resolve(address, false, 0)) {
                    case RecipientDecision.Accept a -> {
                        for (String f : a.remote()) {
                            System.err.println("letterbox: warning: " + address + " forwards to " + f
                                    + ", which is not local; deliver does not relay");
                        }
                        if (!a.accounts().isEmpty()) {
                            recipients.add(address, new RecipientDecision.Accept(a.accounts(), List.of()),
                                    Optional.empty(), Optional.empty());
                        }
                    }
                    case RecipientDecision.Refuse r -> throw switch (r.reason()) {
                        case UNKNOWN_USER -> new Main.CliExit(EX_NOUSER, "unknown recipient " + address);
                        case RELAY_DENIED -> new Main.CliExit(EX_NOUSER, address + " is not in a domain hosted here");
                        case INVALID -> new Main.CliExit(EX_NOUSER, "'" + address + "' is not a valid address");
                        case MAILBOX_FULL -> new Main.CliExit(EX_CANTCREAT, address + " is over quota");
                        case SRS_FORGED, SRS_EXPIRED -> new Main.CliExit(EX_NOUSER, address
                                + " is an SRS address that is not (or no longer) valid");
                    };
                }
            }
            if (recipients.isEmpty()) throw new Main.CliExit(EX_NOUSER, "no local recipient");
            Envelope envelope = Envelope.local(Envelope.Origin.LOCAL, from == null ? "" : from, "cli");
            Outcome outcome;
            try {
                outcome = pipeline.deliver(envelope, recipients, new BufferedInputStream(System.in), true);
            } catch (IOException | StoreException e) {
                // the disk or the store failed, not the message: the MTA must keep it and retry, not bounce it
                throw new Main.CliExit(EX_TEMPFAIL, "cannot store the message now: " + e.getMessage());
            }
            return report(outcome);
        }
    }

    private static int report(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Delivered d -> {
                int exit = 0;
                for (Map.Entry<String, Outcome.RecipientResult> e : d.recipients().entrySet()) {
                    switch (e.getValue()) {
                        case DELIVERED -> System.out.println("delivered to " + e.getKey());
                        case OVER_QUOTA -> {
                            System.err.println("letterbox: " + e.getKey() + " is over quota");
                            exit = Math.max(exit, EX_CANTCREAT);
                        }
                        case FAILED -> {
                            System.err.println("letterbox: delivery to " + e.getKey() + " failed; try again later");
                            exit = EX_TEMPFAIL;
                        }
                    }
                }
                yield exit;
            }
            case Outcome.Refused r -> {
                System.err.println("letterbox: not delivered: " + r.text());
                yield r.reason() == Outcome.Reason.MAILBOX_FULL ? EX_CANTCREAT : EX_NOUSER;
            }
            case Outcome.Deferred d -> {
                System.err.println("letterbox: not delivered: " + d.text());
                yield EX_TEMPFAIL;
            }
        };
    }
}
