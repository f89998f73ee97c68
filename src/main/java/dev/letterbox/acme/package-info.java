/**
 * Certificates from an ACME CA (RFC 8555, e.g. Let's Encrypt): an account key, orders for the server's
 * names, HTTP-01 answers on the http listener, renewal before expiry, and the new certificate handed
 * to every TLS listener without a restart.
 */
package dev.letterbox.acme;
