package dev.letterbox.delivery;

import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.sieve.Action;
import dev.letterbox.sieve.DuplicateTracker;
import dev.letterbox.sieve.SieveResult;
import dev.letterbox.store.Account;
import dev.letterbox.store.Coordination;
import dev.letterbox.store.MailStore;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One message through the local accounts' filters: their decisions before anything is stored, and
 * what follows once the message is delivered (vacation answers, the duplicate test's memory).
 */
final class FilterRun {
    private static final System.Logger LOG = System.getLogger("letterbox.delivery");

    /**
     * What the filters see of the message: the pieces the pipeline has. The header section is read
     * back from the spool only when an account has a script to run (most deliveries have none).
     */
    record Message(java.util.function.Supplier<byte[]> header, String envelopeFrom,
                   java.util.function.Function<Account, String> envelopeTo, Optional<String> auth, long size, long bodyStart,
                   SieveMessage.Source source, dev.letterbox.message.MessageStructure structure, SieveMessage.Scans scans,
                   String hostname) {}

    private final SieveFilters filters;
    private final MailStore store;
    private final Map<Long, FilterDecision> decisions = new LinkedHashMap<>();
    private final Map<Long, Account> accounts = new LinkedHashMap<>();
    private final Message message;

    private FilterRun(SieveFilters filters, MailStore store, Message message) {
        this.filters = filters;
        this.store = store;
        this.message = message;
    }

    /** Decides for each account; accounts without any script keep the message where it goes by default. */
    static FilterRun decide(SieveFilters filters, MailStore store, List<Account> accounts, Message message, String logContext) {
        FilterRun run = new FilterRun(filters, store, message);
        for (Account account : accounts) {
            run.accounts.put(account.id(), account);
            FilterDecision d = FilterDecision.KEEP;
            if (filters != null && filters.applies(account)) {
                try {
                    d = filters.decide(account, run.view(account), logContext);
                } catch (RuntimeException e) { // the filters' own defect must not lose the message either
                    LOG.log(WARNING, "{0} filters of {1} failed, message kept: {2}", logContext, account.address(), e.toString());
                }
            }
            run.decisions.put(account.id(), d);
        }
        return run;
    }

    FilterDecision decision(Account account) {
        return decisions.get(account.id());
    }

    /**
     * The forwards the filters asked for (Sieve redirect, at most {@code [sieve] max_redirects}), one
     * per account; they leave as any forward does (SRS sender, Delivered-To, ARC seal). A redirect
     * that would loop (the message was forwarded for this account before, or has passed too many
     * servers) is not sent, and the account keeps the message in INBOX instead: an action that
     * fails means the implicit keep, so a rule never loses mail (and no failure report goes out
     * for what the user's own rule did). {@code signs} is read only when something is redirected.
     */
    List<Recipients.Forward> forwards(Forwarding forwarding, java.util.function.Supplier<LoopSigns> signs, String logContext) {
        List<Recipients.Forward> out = new java.util.ArrayList<>();
        LoopSigns header = null;
        for (Map.Entry<Long, FilterDecision> e : decisions.entrySet()) {
            List<String> to = e.getValue().redirects();
            if (to.isEmpty()) continue;
            Account account = accounts.get(e.getKey());
            if (header == null) header = signs.get();
            Optional<String> loop = forwarding.loop(header, account.address());
            if (loop.isPresent()) {
                LOG.log(WARNING, "{0} redirect of {1} not sent, kept in INBOX: {2}", logContext, account.address(), loop.get());
                e.setValue(e.getValue().keptInInbox());
                continue;
            }
            out.add(new Recipients.Forward(account.address(), to, Optional.empty(), Optional.empty()));
        }
        return out;
    }

    /** Every account's filters refused the message: it can be refused as a whole (RFC 5429 ereject). */
    Optional<String> rejectedByAll() {
        if (decisions.isEmpty()) return Optional.empty();
        Optional<String> reason = Optional.empty();
        for (FilterDecision d : decisions.values()) {
            if (d.rejection().isEmpty()) return Optional.empty();
            reason = d.rejection();
        }
        return reason;
    }

    private SieveMessage view(Account account) {
        Coordination memory = store.coordination();
        DuplicateTracker duplicates = (id, seconds) -> memory.isRemembered(duplicateKey(account, id));
        return new SieveMessage(message.header().get(), message.envelopeFrom(), message.envelopeTo().apply(account), message.auth(),
                message.size(), message.bodyStart(), message.source(), message.structure(), message.scans(),
                name -> store.read(account.id(), tx -> tx.mailbox(name).isPresent()), duplicates,
                item -> environment(item, account), filters.includes(account));
    }

    /** RFC 5183 environment items this server knows. */
    private Optional<String> environment(String item, Account account) {
        return switch (item) {
            case "domain" -> Optional.of(account.address().substring(account.address().indexOf('@') + 1));
            case "host" -> Optional.of(message.hostname());
            case "location" -> Optional.of("MDA");
            case "phase" -> Optional.of("during");
            case "name" -> Optional.of("Letterbox");
            default -> Optional.empty();
        };
    }

    /**
     * After the message was delivered: answers the vacations (each by the RFC 3834 rules, once per
     * sender and period) and records the duplicate test's ids (RFC 7352 §3: only for delivered mail).
     * Failures here are logged: the message is delivered whatever becomes of an answer.
     */
    void afterDelivery(Vacations vacations, java.util.function.Function<Account, java.util.Set<String>> addressesOf,
                       String envelopeFrom, String logContext) {
        List<HeaderFields.Field> header = null; // read only when a vacation is to be answered
        for (Map.Entry<Long, FilterDecision> e : decisions.entrySet()) {
            Account account = accounts.get(e.getKey());
            FilterDecision d = e.getValue();
            for (SieveResult.DuplicateMark mark : d.duplicateMarks()) {
                try {
                    store.coordination().remember(duplicateKey(account, mark.id()), Duration.ofSeconds(mark.seconds()));
                } catch (RuntimeException ex) {
                    LOG.log(WARNING, "{0} cannot record a duplicate id for {1}: {2}", logContext, account.address(), ex.toString());
                }
            }
            for (Action.Vacation v : d.vacations()) {
                VacationReply.Request request = new VacationReply.Request(v.reason(), v.subject(), v.from(), v.mime(), v.period(),
                        Optional.of(v.handle()), v.addresses());
                if (header == null) {
                    byte[] bytes = message.header().get();
                    header = HeaderFields.parse(bytes, bytes.length);
                }
                VacationReply.Original original = new VacationReply.Original(envelopeFrom, header);
                try {
                    vacations.answer(account, addressesOf.apply(account), original, request, logContext);
                } catch (IOException | RuntimeException ex) {
                    LOG.log(WARNING, "{0} cannot send the vacation answer of {1}: {2}", logContext, account.address(), ex.toString());
                }
            }
        }
    }

    private static String duplicateKey(Account account, String id) {
        return "duplicate:" + account.id() + ":" + VacationReply.sha256(id);
    }
}
