package dev.letterbox.delivery;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.sieve.Action;
import dev.letterbox.sieve.HeaderField;
import dev.letterbox.sieve.IncludeResolver;
import dev.letterbox.sieve.Limits;
import dev.letterbox.sieve.SieveException;
import dev.letterbox.sieve.SieveResult;
import dev.letterbox.sieve.SieveScript;
import dev.letterbox.store.Account;
import dev.letterbox.store.Change;
import dev.letterbox.store.ChangeBus;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.SieveScripts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the Sieve scripts (RFC 5228) at delivery, for each local account: the administrator's
 * "before" scripts, the account's active script, then the "after" scripts, and merges what they
 * asked into one {@link FilterDecision}.
 *
 * <p>Merging: every explicit action of every script is done; the implicit keep is done only when
 * no script cancelled it (a fileinto, redirect, discard or reject without :copy in any of them);
 * header changes of one script are what the next one sees. A script that fails at run time counts
 * as one that kept the message (the interpreter says so), so no rule can lose mail.
 *
 * <p>Compiled scripts are kept per account and dropped when the account's scripts change (the
 * store announces it, also for changes made through another node).
 */
final class SieveFilters {
    private static final System.Logger LOG = System.getLogger("letterbox.delivery");

    private final MailStore store;
    private final Limits limits;
    private final List<SieveScript> before, after;
    private final Map<Long, Cached> byAccount = new ConcurrentHashMap<>();

    /** One account's compiled active script, current until the account's scripts change. */
    private static final class Cached {
        final ChangeBus.Subscription subscription;
        volatile boolean current;
        volatile Optional<SieveScript> script = Optional.empty();

        Cached(ChangeBus bus, long accountId) {
            this.subscription = bus.subscribe(accountId, change -> {
                if (change instanceof Change.SieveScripts) current = false;
            });
        }
    }

    /** {@code before}, {@code after}: the administrator's scripts' sources (checked when the server started). */
    SieveFilters(MailStore store, int maxRedirects, List<String> before, List<String> after) {
        this.store = store;
        this.limits = Limits.defaults().withMaxRedirects(maxRedirects);
        this.before = compile(before);
        this.after = compile(after);
    }

    /** The administrator's scripts; one that does not compile is left out, said once. */
    private List<SieveScript> compile(List<String> sources) {
        List<SieveScript> out = new ArrayList<>();
        for (String source : sources) {
            try {
                out.add(SieveScript.compile(source, limits));
            } catch (SieveException e) {
                LOG.log(WARNING, "sieve: an administrator's script does not compile, not running it: {0}", e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /** Whether any script could run for {@code account} (so the caller builds the message view only then). */
    boolean applies(Account account) {
        return !before.isEmpty() || !after.isEmpty() || active(account).isPresent();
    }

    /** Runs the scripts for {@code account} over {@code message} and merges what they asked. */
    FilterDecision decide(Account account, SieveMessage message, String logContext) {
        List<SieveScript> scripts = new ArrayList<>(before);
        active(account).ifPresent(scripts::add);
        scripts.addAll(after);
        if (scripts.isEmpty()) return FilterDecision.KEEP;

        List<FilterDecision.Copy> copies = new ArrayList<>();
        LinkedHashSet<String> redirects = new LinkedHashSet<>();
        List<Action.Vacation> vacations = new ArrayList<>();
        List<SieveResult.DuplicateMark> marks = new ArrayList<>();
        Optional<String> rejection = Optional.empty();
        Optional<List<HeaderField>> header = Optional.empty();
        boolean implicitKeep = true;
        List<String> implicitFlags = List.of();
        SieveMessage view = message;
        for (SieveScript script : scripts) {
            SieveResult result = script.run(view, limits);
            result.error().ifPresent(e -> LOG.log(WARNING, "{0} sieve script of {1} failed, message kept: {2}",
                    logContext, account.address(), e));
            boolean keptImplicitly = false;
            for (Action a : result.actions()) {
                switch (a) {
                    case Action.Keep k when k.implicit() -> {
                        keptImplicitly = true;
                        implicitFlags = k.flags();
                    }
                    case Action.Keep k -> copies.add(new FilterDecision.Copy(null, k.flags(), false));
                    case Action.FileInto f -> copies.add(new FilterDecision.Copy(f.mailbox(), f.flags(), f.create()));
                    case Action.Redirect r -> redirects.add(r.address());
                    case Action.Discard d -> LOG.log(INFO, "{0} discarded for {1} by a sieve script", logContext, account.address());
                    case Action.Reject r -> rejection = Optional.of(r.reason());
                    case Action.Vacation v -> vacations.add(v);
                }
            }
            implicitKeep &= keptImplicitly;
            marks.addAll(result.duplicateMarks());
            if (result.headersChanged()) {
                header = Optional.of(result.headers());
                view = view.withHeaders(result.headers());
            }
        }
        if (implicitKeep) copies.add(new FilterDecision.Copy(null, implicitFlags, false));
        if (rejection.isPresent()) copies.clear(); // RFC 5429 §2.1: a refused message is not kept
        return new FilterDecision(dedupe(copies), List.copyOf(redirects).subList(0, Math.min(redirects.size(),
                limits.maxRedirects())), rejection, vacations, header, marks);
    }

    /** RFC 5228 §2.10.3: the same mailbox named twice gets one copy (the flags of the last). */
    private static List<FilterDecision.Copy> dedupe(List<FilterDecision.Copy> copies) {
        Map<String, FilterDecision.Copy> byMailbox = new java.util.LinkedHashMap<>();
        for (FilterDecision.Copy c : copies) {
            String key = c.mailbox() == null || c.mailbox().equalsIgnoreCase("INBOX") ? "" : c.mailbox();
            FilterDecision.Copy earlier = byMailbox.get(key);
            byMailbox.put(key, earlier == null ? c : new FilterDecision.Copy(key.isEmpty() ? null : c.mailbox(), c.flags(),
                    c.create() || earlier.create()));
        }
        return List.copyOf(byMailbox.values());
    }

    /** The account's active script, compiled; empty when it has none or it no longer compiles. */
    private Optional<SieveScript> active(Account account) {
        Cached cached = byAccount.computeIfAbsent(account.id(), id -> new Cached(store.changes(), id));
        if (cached.current) return cached.script;
        cached.current = true; // before reading: a change announced meanwhile makes the next delivery read again
        Optional<SieveScripts.Script> stored = store.sieveScripts().active(account.id());
        Optional<SieveScript> compiled = Optional.empty();
        if (stored.isPresent()) {
            try {
                compiled = Optional.of(SieveScript.compile(stored.get().content(), limits));
            } catch (SieveException e) {
                LOG.log(WARNING, "sieve: the active script {0} of {1} does not compile, not running it: {2}",
                        stored.get().name(), account.address(), e.getMessage());
            }
        }
        cached.script = compiled;
        return compiled;
    }

    /** RFC 6609 :personal includes: the account's other stored scripts. */
    IncludeResolver includes(Account account) {
        return IncludeResolver.compiling((location, name) -> location == IncludeResolver.Location.PERSONAL
                ? store.sieveScripts().get(account.id(), name).map(SieveScripts.Script::content) : Optional.empty(), limits);
    }
}
