/**
 * DNS lookups for mail routing (RFC 5321 §5.1): MX with preference order and null MX (RFC 7505),
 * address records, TXT. {@link dev.letterbox.dns.DnsResolver} is the interface; the implementation
 * uses dnsjava against configurable servers, so tests point it at a DNS server of their own.
 *
 * <p>Invariants: a lookup answers one of found / no data / no such domain / temporary failure, and
 * never throws for DNS trouble — callers decide between "defer" (temporary) and "bounce" (permanent).
 */
package dev.letterbox.dns;
