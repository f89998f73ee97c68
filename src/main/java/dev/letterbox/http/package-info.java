/**
 * The HTTP(S) listener ({@link dev.letterbox.http.HttpService}): client auto-configuration for
 * Thunderbird/K-9 (Mozilla clientConfig), Outlook (POX autodiscover) and Apple devices
 * (configuration profile); the MTA-STS policy; {@code /healthz}; {@code /metrics}; the admin API.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Every host name and port a client is told comes from {@link dev.letterbox.setup.ClientSettings}
 *       of the running server's bound listeners, read per request.</li>
 *   <li>Only hosted domains are answered (404 otherwise), and never differently for an address that
 *       has an account than for one that has none, so the endpoints reveal no user names.</li>
 *   <li>Request bodies are bounded ({@code Request.MAX_BODY}); XML is parsed with document type
 *       declarations refused (no XXE, no entity expansion); JSON strictly, unknown fields refused.</li>
 *   <li>A client never sees a stack trace: errors are a status with a one-line text (JSON
 *       {@code {"error": ...}} under {@code /api/}); unexpected ones are logged with a request id.</li>
 *   <li>The admin API changes nothing except through {@link dev.letterbox.auth.Directory}, the CLI's
 *       code path; it wants the bearer token of {@link dev.letterbox.http.AdminToken}, and over plain
 *       HTTP it answers loopback clients only.</li>
 *   <li>Metric labels are fixed route names and status codes, never request text. {@code /metrics}
 *       answers only clients with {@code [http] metrics_token} when one is set, else only clients in
 *       {@code [http] metrics_allow_from} (loopback by default); the numbers say how busy the server
 *       is and how logins fare, which is nobody else's business.</li>
 * </ul>
 */
package dev.letterbox.http;
