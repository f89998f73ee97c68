package dev.letterbox.cli;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.Recipient;
import dev.letterbox.delivery.DeliveryOutcome;
import dev.letterbox.delivery.LocalDelivery;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.StoreException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The local delivery agent: reads one message from stdin and stores it in each recipient's INBOX.
 * Exit codes follow sysexits(3) so scripts and MTAs can act on them: 0 only when every copy is
 * durably stored; 67 unknown recipient (nothing stored); 73 over quota; 75 temporary failure (the store
 * could not take the message or a copy: try again later).
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
            Directory dir = DataOption.directory(store);
            Map<Long, Account> accounts = new LinkedHashMap<>();
            for (String address : addresses) {
                switch (dir.resolve(address)) {
                    case Recipient.Deliverable d -> {
                        d.accounts().forEach(a -> accounts.putIfAbsent(a.id(), a));
                        for (String f : d.forwards()) {
                            System.err.println("letterbox: warning: " + address + " forwards to " + f
                                    + ", which is not local; deliver does not relay");
                        }
                    }
                    case Recipient.UnknownUser u -> throw new Main.CliExit(EX_NOUSER, "unknown recipient " + address);
                    case Recipient.NotLocal n -> throw new Main.CliExit(EX_NOUSER, address + " is not in a domain hosted here");
                    case Recipient.Invalid i -> throw new Main.CliExit(EX_NOUSER, "'" + address + "' is not a valid address");
                }
            }
            if (accounts.isEmpty()) throw new Main.CliExit(EX_NOUSER, "no local recipient");
            LocalDelivery delivery = new LocalDelivery(store);
            byte[] prefix = from == null ? new byte[0]
                    : ("Return-Path: <" + from + ">\r\n").getBytes(StandardCharsets.UTF_8);
            LocalDelivery.StoredBlob blob;
            try {
                blob = delivery.storeBlob(prefix, new BufferedInputStream(System.in), true, 0);
            } catch (IOException | StoreException e) {
                // the store's failure (a full disk), not the message's: the MTA keeps it and retries
                throw new Main.CliExit(EX_TEMPFAIL, "cannot store the message now: " + e.getMessage());
            }
            int exit = 0;
            for (DeliveryOutcome o : delivery.deliver(blob, List.copyOf(accounts.values()), "cli")) {
                switch (o) {
                    case DeliveryOutcome.Stored s -> System.out.println("delivered to " + s.account().address());
                    case DeliveryOutcome.OverQuota q -> {
                        System.err.println("letterbox: " + q.account().address() + " is over quota");
                        exit = Math.max(exit, EX_CANTCREAT);
                    }
                    case DeliveryOutcome.Failed f -> {
                        System.err.println("letterbox: delivery to " + f.account().address() + " failed: " + f.reason());
                        exit = EX_TEMPFAIL;
                    }
                }
            }
            return exit;
        }
    }
}
