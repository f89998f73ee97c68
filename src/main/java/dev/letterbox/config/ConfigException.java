package dev.letterbox.config;

/** A configuration problem, with a message that names the offending key and what is expected. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
