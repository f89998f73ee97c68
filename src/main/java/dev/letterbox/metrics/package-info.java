/**
 * Server metrics in Prometheus form. {@link dev.letterbox.metrics.Metrics} is the one object the
 * protocols report to; the HTTP listener exposes {@link dev.letterbox.metrics.Metrics#scrape()}.
 *
 * <p>Invariants: label values come from small fixed sets (listener names, command names the
 * protocol knows, "ok"/"fail"), never from client input, so a client cannot blow up the number of
 * series; reporting never blocks or throws.
 */
package dev.letterbox.metrics;
