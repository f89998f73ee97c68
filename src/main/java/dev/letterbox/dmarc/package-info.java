/**
 * DMARC (RFC 7489): evaluation of incoming mail and aggregate reports.
 *
 * <p>Evaluation: {@link dev.letterbox.dmarc.Author#fromHeader} finds the From domain(s),
 * {@link dev.letterbox.dmarc.DmarcVerifier} discovers the policy in DNS and checks the SPF and DKIM
 * results it is given for alignment, using the Public Suffix List through
 * {@link dev.letterbox.dmarc.OrganizationalDomain}. Reports:
 * {@link dev.letterbox.dmarc.AggregateReports} counts evaluated messages (in memory, written to
 * the store in one write every few seconds),
 * {@link dev.letterbox.dmarc.AggregateReporter} turns ended periods into report messages for the
 * outbound queue, {@link dev.letterbox.dmarc.ReportScheduler} runs it hourly.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Bad input — a From field, a TXT record, a report address — gives a defined result, never an
 *       exception; every parser bounds lengths, counts and nesting.</li>
 *   <li>A DNS failure is a temperror, never "no policy" and never a failure: a temperror has
 *       disposition none, so it can never turn into a rejection.</li>
 *   <li>Domains are compared in one form only: A-labels, lower case, no trailing dot.</li>
 *   <li>A report is queued at most once (queued and marked sent in one store write), only to
 *       {@code mailto:} destinations in the policy domain's organization or that agreed to receive
 *       it (§7.1), and no larger than a destination's {@code !size}.</li>
 *   <li>Counting a message for a report never delays or fails its delivery; a crash loses at most
 *       the counts of the last few seconds (statistics, not mail).</li>
 * </ul>
 */
package dev.letterbox.dmarc;
