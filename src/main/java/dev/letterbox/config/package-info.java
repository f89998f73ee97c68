/**
 * Configuration: immutable records loaded from one TOML file, every key optional with a sane default.
 *
 * <p>Invariants: a {@link dev.letterbox.config.Config} is valid once constructed (the loader rejects
 * unknown keys and bad values, naming the key); nothing here is global or mutable, so a test can run
 * several servers with different configs in one JVM.
 */
package dev.letterbox.config;
