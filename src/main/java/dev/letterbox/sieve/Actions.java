package dev.letterbox.sieve;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The actions a run has asked for, with RFC 5228 §2.10 rules: the implicit keep cancelled by
 * fileinto, redirect, discard and reject unless :copy; the same fileinto or redirect done once;
 * reject (RFC 5429 §2.1) not combined with keep, fileinto or vacation; one vacation (RFC 5230
 * §4.7); the caller's bounds on redirects and actions.
 */
final class Actions {
    private final Run run;
    private final Limits limits;
    private final List<Action> list = new ArrayList<>();
    private boolean keepCancelled;
    private boolean stored;
    private boolean rejected;
    private boolean vacation;
    private int redirects;
    private int edits;

    Actions(Run run, Limits limits) {
        this.run = run;
        this.limits = limits;
    }

    void keep(List<String> flags) {
        if (rejected) throw run.fail("keep cannot be combined with reject");
        stored = true;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Action.Keep k) {
                list.set(i, new Action.Keep(union(k.flags(), flags), false));
                return;
            }
        }
        add(new Action.Keep(flags, false));
    }

    void fileInto(String mailbox, List<String> flags, boolean create, boolean copy) {
        if (rejected) throw run.fail("fileinto cannot be combined with reject");
        if (mailbox.isEmpty()) throw run.fail("fileinto needs a mailbox name, not an empty string");
        stored = true;
        if (!copy) keepCancelled = true;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Action.FileInto f && f.mailbox().equals(mailbox)) {
                list.set(i, new Action.FileInto(mailbox, union(f.flags(), flags), f.create() || create,
                        f.copy() && copy));
                return;
            }
        }
        add(new Action.FileInto(mailbox, flags, create, copy));
    }

    void redirect(String address, boolean copy) {
        if (!copy) keepCancelled = true;
        for (Action a : list) {
            if (a instanceof Action.Redirect r && r.address().equalsIgnoreCase(address)) return;
        }
        if (++redirects > limits.maxRedirects()) {
            throw run.fail("more than " + limits.maxRedirects() + " redirects");
        }
        add(new Action.Redirect(address, copy));
    }

    void discard() {
        keepCancelled = true;
        for (Action a : list) if (a instanceof Action.Discard) return;
        add(new Action.Discard());
    }

    void reject(String reason, boolean extended) {
        if (rejected) throw run.fail("the message is already rejected");
        if (stored) throw run.fail("reject cannot be combined with keep or fileinto");
        if (vacation) throw run.fail("reject cannot be combined with vacation");
        rejected = true;
        keepCancelled = true;
        add(new Action.Reject(reason, extended));
    }

    void vacation(Action.Vacation v) {
        if (rejected) throw run.fail("vacation cannot be combined with reject");
        if (vacation) throw run.fail("only one vacation per message");
        vacation = true;
        add(v);
    }

    /** Header edits count against the action bound too: each is work for the caller. */
    void countEdit() {
        if (list.size() + ++edits > limits.maxActions()) throw run.fail("more than " + limits.maxActions() + " actions");
    }

    private void add(Action a) {
        if (list.size() + edits >= limits.maxActions()) throw run.fail("more than " + limits.maxActions() + " actions");
        list.add(a);
    }

    /** The final list: what was asked, plus the implicit keep (with the current flags) if not cancelled. */
    List<Action> result(List<String> currentFlags) {
        List<Action> out = new ArrayList<>(list);
        if (!keepCancelled && !hasKeep(out)) out.add(new Action.Keep(currentFlags, true));
        return List.copyOf(out);
    }

    private static boolean hasKeep(List<Action> actions) {
        for (Action a : actions) if (a instanceof Action.Keep) return true;
        return false;
    }

    /** Flags are case-insensitive (RFC 3501 §2.3.2): the first spelling wins. */
    static List<String> union(List<String> a, List<String> b) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> out = new ArrayList<>();
        for (List<String> l : List.of(a, b)) {
            for (String f : l) if (seen.add(f.toLowerCase(Locale.ROOT))) out.add(f);
        }
        return List.copyOf(out);
    }
}
