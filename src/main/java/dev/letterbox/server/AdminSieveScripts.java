package dev.letterbox.server;

import dev.letterbox.config.Config;
import dev.letterbox.config.ConfigException;
import dev.letterbox.managesieve.ScriptChecker;
import dev.letterbox.managesieve.ScriptText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The administrator's Sieve scripts ({@code [sieve] before} and {@code after}) that run around each
 * account's own, in the order configured. Read and checked once at start: a file that is missing,
 * is not UTF-8 or does not compile stops the start, naming the key and the file, rather than
 * letting every delivery find out.
 */
public record AdminSieveScripts(List<Script> before, List<Script> after) {
    /** One script: the file it came from (for messages) and its text. */
    public record Script(Path file, String source) {}

    public AdminSieveScripts {
        before = List.copyOf(before);
        after = List.copyOf(after);
    }

    public static AdminSieveScripts load(Config.Sieve config, ScriptChecker checker) {
        return new AdminSieveScripts(read("sieve.before", config.before(), checker), read("sieve.after", config.after(), checker));
    }

    private static List<Script> read(String key, List<Path> files, ScriptChecker checker) {
        List<Script> scripts = new ArrayList<>();
        for (Path file : files) {
            byte[] octets;
            try {
                octets = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new ConfigException(key + ": cannot read " + file + ": " + e.getMessage());
            }
            String source = switch (ScriptText.decode(octets)) {
                case ScriptText.NotUtf8 bad -> throw new ConfigException(key + ": " + file + " " + bad.error());
                case ScriptText.Text text -> text.text();
            };
            Optional<String> problem = checker.check(source).map(Object::toString);
            if (problem.isPresent()) throw new ConfigException(key + ": " + file + " " + problem.get());
            scripts.add(new Script(file, source));
        }
        return scripts;
    }
}
