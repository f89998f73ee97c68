/**
 * Client side of the Sendmail/Postfix milter protocol (version 6), so that the content filters
 * operators already run (rspamd's proxy worker, clamav-milter, OpenDKIM) can judge inbound mail; and
 * a small client for rspamd's controller to learn spam and ham.
 *
 * <p>Invariants: a filter never changes the stored bytes behind our back. Its verdict is a value
 * ({@link dev.letterbox.milter.MilterVerdict}); header changes are applied by the caller through
 * {@link dev.letterbox.milter.HeaderEditor}, which touches only the header section; recipient, sender
 * and body replacements are refused as unsupported (logged, listed in the verdict, never applied).
 * Every wait is bounded by the per-step timeout and the per-message deadline; everything a filter
 * sends is bounded in size (256 KiB per packet, a cap
 * on header changes). A filter that fails in any way yields {@code Failed}, and the caller applies its
 * configured default. No socket is held between messages.
 */
package dev.letterbox.milter;
