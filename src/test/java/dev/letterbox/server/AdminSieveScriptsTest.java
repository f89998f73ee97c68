package dev.letterbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.config.Config;
import dev.letterbox.config.ConfigException;
import dev.letterbox.managesieve.ScriptChecker;
import dev.letterbox.managesieve.ScriptError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The administrator's before/after scripts: read in order at start, or the start fails naming key and file. */
class AdminSieveScriptsTest {
    @TempDir
    Path dir;

    private static Config.Sieve sieve(List<Path> before, List<Path> after) {
        return new Config.Sieve(64 << 10, 20, 4, before, after, Duration.ofMinutes(10), Duration.ofSeconds(60));
    }

    @Test
    void scriptsAreReadInTheConfiguredOrder() throws Exception {
        Path spam = Files.writeString(dir.resolve("spam.sieve"), "require \"fileinto\";\nfileinto \"Junk\";\n");
        Path lists = Files.writeString(dir.resolve("lists.sieve"), "keep; # ✓\n");
        Path last = Files.writeString(dir.resolve("last.sieve"), "keep;\n");
        AdminSieveScripts loaded = AdminSieveScripts.load(sieve(List.of(spam, lists), List.of(last)), ScriptChecker.ACCEPT_ALL);
        assertEquals(List.of(new AdminSieveScripts.Script(spam, "require \"fileinto\";\nfileinto \"Junk\";\n"),
                new AdminSieveScripts.Script(lists, "keep; # ✓\n")), loaded.before());
        assertEquals(List.of(new AdminSieveScripts.Script(last, "keep;\n")), loaded.after());
    }

    @Test
    void aMissingFileAScriptNotInUtf8OrOneThatDoesNotCompileStopsTheStart() throws Exception {
        Path missing = dir.resolve("missing.sieve");
        String message = assertThrows(ConfigException.class,
                () -> AdminSieveScripts.load(sieve(List.of(missing), List.of()), ScriptChecker.ACCEPT_ALL)).getMessage();
        assertTrue(message.startsWith("sieve.before: cannot read " + missing), message);

        Path latin1 = Files.write(dir.resolve("latin1.sieve"), "keep;\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("sieve.after: " + latin1 + " line 2: the script is not valid UTF-8", assertThrows(ConfigException.class,
                () -> AdminSieveScripts.load(sieve(List.of(), List.of(latin1)), ScriptChecker.ACCEPT_ALL)).getMessage());

        Path typo = Files.writeString(dir.resolve("typo.sieve"), "keep;\nfileinot \"Junk\";\n");
        ScriptChecker compiler = source -> source.contains("fileinot")
                ? Optional.of(new ScriptError(2, "unknown command fileinot")) : Optional.empty();
        assertEquals("sieve.before: " + typo + " line 2: unknown command fileinot", assertThrows(ConfigException.class,
                () -> AdminSieveScripts.load(sieve(List.of(typo), List.of()), compiler)).getMessage());
    }
}
