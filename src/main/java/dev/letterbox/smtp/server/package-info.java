/**
 * SMTP sessions over the store: the MTA on port 25 (mail for our domains from other servers) and
 * submission on 587 (STARTTLS) and 465 (implicit TLS) for our own users.
 *
 * <p>Invariants:
 * <ul>
 *   <li>The 250 after DATA or BDAT LAST is sent only after every local copy is committed and every
 *       remote recipient durably queued; when any of that fails the answer is 4xx (the sender
 *       retries; a duplicate is possible, a loss is not).</li>
 *   <li>Never an open relay: a recipient outside our domains is accepted only in an authenticated
 *       session; aliases may forward received mail outward because an administrator set them up.
 *       Source routes are ignored and {@code %} / {@code !} / quoted local parts are never
 *       interpreted as routing: the mailbox's own domain decides.</li>
 *   <li>No password is taken before TLS (AUTH is neither offered nor accepted); on submission no
 *       MAIL before AUTH, and the envelope sender must be an address of the logged-in account.</li>
 *   <li>STARTTLS forgets everything the client said before it (RFC 3207 §4.2); bytes pipelined
 *       behind it are discarded by the connection.</li>
 *   <li>Stored bytes are the client's bytes: Letterbox only prepends header fields (Return-Path,
 *       Received, and on submission a missing Date or Message-ID), never re-encodes.</li>
 *   <li>Every reply but the greeting and the EHLO/HELO answers carries an enhanced status code
 *       (RFC 2034 §3).</li>
 * </ul>
 */
package dev.letterbox.smtp.server;
