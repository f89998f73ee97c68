/**
 * What an operator publishes so that mail clients and other servers find this one: the DNS records
 * for a hosted domain ({@link dev.letterbox.setup.DnsRecords}), the MTA-STS policy
 * ({@link dev.letterbox.setup.MtaStsPolicy}) the HTTPS listener serves, and the settings a mail
 * client is told ({@link dev.letterbox.setup.ClientSettings}) by {@code letterbox settings} and by
 * client auto-configuration. Here rather than in {@code server}, which starts the HTTP listener:
 * {@code http} and {@code cli} read these without depending on the package that assembles them.
 *
 * <p>Invariants: functions of the configuration, the listeners' ports and the DKIM keys (no store),
 * so {@code letterbox dns} and the running server derive the same values from the same input; the
 * MTA-STS policy id is a hash of the policy text, so it changes exactly when the policy does.
 * {@link dev.letterbox.setup.PublishedRecords} is the one part that asks DNS (what is published now,
 * for {@code letterbox dns}); it reports, it never changes what the others derive.
 */
package dev.letterbox.setup;
