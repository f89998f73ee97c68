/**
 * DNS lookups for mail routing and sender authentication: MX with preference order and null MX
 * (RFC 7505), A and AAAA, PTR, TXT. {@link dev.letterbox.dns.DnsResolver} is the interface; the
 * implementation uses dnsjava against configurable servers, so tests point it at a DNS server of
 * their own.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A lookup answers one of found / no data / no such domain / temporary failure, and never
 *       throws for DNS trouble — callers decide between "defer" (temporary) and "bounce" or
 *       "permerror" (permanent).
 *   <li>One resolver holds one cache, shared by the relay and every check: definite answers are kept
 *       per TTL (negative ones for the SOA minimum, capped), bounded in entries and bytes; temporary
 *       failures are never kept.
 *   <li>Time is bounded: a lookup never outlives the configured timeout, and a view made with
 *       {@code within(budget)} never outlives its deadline; past it, lookups fail at once.
 *   <li>Names from mail data are built from their bytes, never parsed as master-file text; a name
 *       no DNS query can carry (a label over 63 octets, an empty label, over 253 characters)
 *       answers "no such domain" without a query.
 * </ul>
 */
package dev.letterbox.dns;
