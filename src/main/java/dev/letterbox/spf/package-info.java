/**
 * Sender Policy Framework (RFC 7208): check_host() for the MAIL FROM and HELO identities, the macro
 * language, explanations, and the Received-SPF field. Pure: no SMTP, no store; DNS only through
 * {@link dev.letterbox.dns.DnsResolver}. {@link dev.letterbox.spf.SpfVerifier} is the entry point.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A check always returns one of the seven results and never throws: DNS trouble and the time
 *       limit give temperror, a policy that breaks the grammar or the limits gives permerror.
 *   <li>Work is bounded whatever the records say: a record is parsed whole once (linear in its
 *       length), at most 10 terms query DNS and at most 2 lookups come back empty per check
 *       (§4.6.4), at most 10 MX or PTR names per term, a macro expands to at most 8 KiB, and the
 *       whole check runs under one deadline.
 *   <li>An explanation is only ever produced for fail, is US-ASCII, and problems fetching it never
 *       change the result (§6.2).
 *   <li>Nothing from the client or from DNS reaches a header field unsanitised.
 * </ul>
 */
package dev.letterbox.spf;
