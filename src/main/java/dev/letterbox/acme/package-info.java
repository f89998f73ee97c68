/**
 * Certificates from an ACME CA (RFC 8555, e.g. Let's Encrypt): an account key, orders for the server's
 * names, HTTP-01 answers on the http listener or TLS-ALPN-01 ones on the https listener, renewal before
 * expiry, and the new certificate handed to every TLS listener without a restart.
 */
package dev.letterbox.acme;
