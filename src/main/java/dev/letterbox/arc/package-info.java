/**
 * ARC, the Authenticated Received Chain (RFC 8617): validation of the chain on incoming mail and
 * sealing of mail we pass on. Built on {@code dev.letterbox.dkim}: the ARC-Message-Signature is
 * verified by the DKIM machinery, on the same single pass of body hashing.
 *
 * <p>Invariants:
 * <ul>
 * <li>The result is none, pass or fail, nothing else: any defect, DNS errors included, fails the chain.
 * <li>The form of the chain (complete sets 1..n, n ≤ 50, cv= of each seal) is judged before any
 *     DNS lookup, and a header with more ARC fields than 50 sets can hold is judged by counting.
 * <li>Sealing never changes the message; it returns the three fields to prepend. A failed chain
 *     is sealed with cv=fail over our set alone; a message with 50 sets gets no more.
 * </ul>
 */
package dev.letterbox.arc;
