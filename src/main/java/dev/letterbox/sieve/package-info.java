/**
 * The Sieve mail filtering language (RFC 5228) with fileinto, reject/ereject, envelope,
 * encoded-character, imap4flags, body, variables, vacation and vacation-seconds, relational,
 * subaddress, date and index, copy, mailbox, include, duplicate, editheader,
 * spamtest/spamtestplus/virustest, environment and regex. Pure: no store, no network, no files.
 *
 * <p>{@link dev.letterbox.sieve.SieveScript#compile} parses and checks a script once (errors carry
 * the line and a reason for the author); {@link dev.letterbox.sieve.SieveScript#run} evaluates the
 * compiled form against a {@link dev.letterbox.sieve.MessageView} the caller implements and
 * returns a {@link dev.letterbox.sieve.SieveResult}: the actions to perform, the edited header
 * fields, the duplicate ids to record.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A run performs nothing and never throws for what a script does: a run-time error, or a
 *       bound of {@link dev.letterbox.sieve.Limits} exceeded (steps, time, redirects, actions,
 *       variables), yields exactly one implicit keep into INBOX plus the error text. A rule can
 *       never lose mail.</li>
 *   <li>Evaluation does not parse: strings without variables, globs and regular expressions with
 *       constant keys are prepared at compile time. A compiled script is immutable and shared.</li>
 *   <li>Regular expressions run on a character sequence that checks the run's deadline, and the
 *       glob matcher remembers failures, so no key makes matching take unbounded time.</li>
 * </ul>
 */
package dev.letterbox.sieve;
