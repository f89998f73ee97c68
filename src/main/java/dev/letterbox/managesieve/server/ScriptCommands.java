package dev.letterbox.managesieve.server;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.managesieve.ResponseCode;
import dev.letterbox.managesieve.ScriptError;
import dev.letterbox.managesieve.ScriptText;
import dev.letterbox.managesieve.SieveCommand;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.SieveScripts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The authenticated state's script commands (RFC 5804 §2.5-§2.12). Store refusals are thrown as
 * {@link MailboxException}s and answered with {@link #code}'s response code by the session.
 */
final class ScriptCommands {
    private ScriptCommands() {}

    static void run(ManageSieveSession s, SieveCommand command) throws IOException {
        long id = s.account.id();
        SieveScripts scripts = s.service.store.sieveScripts();
        switch (command) {
            case SieveCommand.HaveSpace h -> haveSpace(s, scripts, id, h);
            case SieveCommand.PutScript p -> putScript(s, scripts, id, p);
            case SieveCommand.ListScripts l -> {
                for (SieveScripts.Listed script : scripts.list(id)) s.out.listed(script.name(), script.active());
                s.out.ok("");
            }
            case SieveCommand.SetActive a -> {
                scripts.setActive(id, a.name().isEmpty() ? Optional.empty() : Optional.of(a.name()));
                s.out.ok(a.name().isEmpty() ? "No script is active" : "Active");
            }
            case SieveCommand.GetScript g -> {
                var script = scripts.get(id, g.name());
                if (script.isEmpty()) {
                    s.out.no(ResponseCode.NONEXISTENT, "There is no script of that name");
                    return;
                }
                s.out.literalLine(script.get().content().getBytes(StandardCharsets.UTF_8));
                s.out.ok("");
            }
            case SieveCommand.DeleteScript d -> {
                scripts.delete(id, d.name());
                s.out.ok("Deleted");
            }
            case SieveCommand.RenameScript r -> {
                scripts.rename(id, r.from(), r.to());
                s.out.ok("Renamed");
            }
            case SieveCommand.CheckScript c -> {
                Optional<String> problem = problem(s, c.script());
                if (problem.isPresent()) s.out.no(problem.get());
                else s.out.ok("Script is valid");
            }
            default -> throw new IllegalStateException("not a script command: " + command);
        }
    }

    /** §2.5: whether a script of this name and size would be taken now. */
    private static void haveSpace(ManageSieveSession s, SieveScripts scripts, long id, SieveCommand.HaveSpace h)
            throws IOException {
        if (h.size() > s.service.config.maxScriptSize()) {
            s.out.no(ResponseCode.QUOTA_MAXSIZE, "Scripts may be at most " + s.service.config.maxScriptSize() + " octets");
            return;
        }
        var listed = scripts.list(id);
        boolean replacing = listed.stream().anyMatch(l -> l.name().equals(h.name()));
        if (!replacing && listed.size() >= s.service.config.maxScripts()) {
            s.out.no(ResponseCode.QUOTA_MAXSCRIPTS, "You may keep at most " + s.service.config.maxScripts() + " scripts");
            return;
        }
        s.out.ok("");
    }

    /** §2.6: checked like CHECKSCRIPT, then stored; OK once the store has it durably. */
    private static void putScript(ManageSieveSession s, SieveScripts scripts, long id, SieveCommand.PutScript p)
            throws IOException {
        Optional<String> problem = problem(s, p.script());
        if (problem.isPresent()) {
            s.out.no(problem.get());
            return;
        }
        boolean created = scripts.put(id, p.name(), new String(p.script(), StandardCharsets.UTF_8), s.service.config.maxScripts());
        ManageSieveSession.LOG.log(INFO, "{0}: {1} script \"{2}\" ({3} octets)", s.who(), created ? "stored" : "replaced",
                p.name(), p.script().length);
        s.out.ok("");
    }

    /**
     * What makes a script unacceptable, as "line N: reason": not UTF-8, or refused by the checker.
     * Its size needs no check here: the reader takes no string larger than the limit.
     */
    private static Optional<String> problem(ManageSieveSession s, byte[] script) {
        return switch (ScriptText.decode(script)) {
            case ScriptText.NotUtf8 bad -> Optional.of(bad.error().toString());
            case ScriptText.Text text -> s.service.checker.check(text.text()).map(ScriptError::toString);
        };
    }

    /** The response code for a store refusal. */
    static ResponseCode code(MailboxException e) {
        return switch (e.reason()) {
            case NONEXISTENT -> ResponseCode.NONEXISTENT;
            case ALREADY_EXISTS -> ResponseCode.ALREADYEXISTS;
            case NOT_ALLOWED -> ResponseCode.ACTIVE; // the only refusal of the kind: deleting the active script
            case LIMIT -> ResponseCode.QUOTA_MAXSCRIPTS;
            default -> null;
        };
    }
}
