/**
 * What an operator publishes so that mail clients and other servers find this one: the DNS records
 * for a hosted domain ({@link dev.letterbox.setup.DnsRecords}) and the MTA-STS policy
 * ({@link dev.letterbox.setup.MtaStsPolicy}) the HTTPS listener serves.
 *
 * <p>Invariants: functions of the configuration, the listeners' ports and the DKIM keys (no store),
 * so {@code letterbox dns} and the running server derive the same values from the same input; the
 * MTA-STS policy id is a hash of the policy text, so it changes exactly when the policy does.
 */
package dev.letterbox.setup;
