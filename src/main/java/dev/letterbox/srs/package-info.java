/**
 * The Sender Rewriting Scheme (the SRS paper by Shevek, with the conventions of libsrs2 and
 * Mail::SRS): the envelope sender of mail we forward becomes an address of ours that carries the
 * original one, so the next server's SPF check sees our domain, and a bounce sent to that address
 * can be passed back to the original sender. Pure: no I/O but reading the secrets file.
 * {@link dev.letterbox.srs.Srs} is the entry point.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Only addresses we signed are reversed: an SRS address of ours carries an HMAC of what it
 *       encodes (keyed with one of our secrets), so nobody can make us send a bounce to an address of
 *       their choosing; and a timestamp, so one we signed stops working after the maximum age.</li>
 *   <li>Everything compared is compared without regard to case: RFC 5321 local parts are case
 *       sensitive in theory, but servers on the way change their case in practice. The hash and the
 *       timestamp are base32 (one case only), and the hash is computed over the lower-cased data.</li>
 *   <li>Reversal never throws: every input is classified (not SRS, valid, forged, expired, malformed).</li>
 * </ul>
 */
package dev.letterbox.srs;
