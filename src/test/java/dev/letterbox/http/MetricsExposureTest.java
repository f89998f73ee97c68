package dev.letterbox.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import dev.letterbox.testing.WebClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, item 7: without {@code [http] metrics_token}, {@code /metrics} answers only the
 * networks of {@code metrics_allow_from}, loopback by default. Every 127.x.y.z is this machine, so
 * a server that allows only 127.0.0.1 sees 127.0.0.2 as an outsider.
 */
class MetricsExposureTest {
    @RegisterExtension
    static final TestServer byDefault = new TestServer();

    @RegisterExtension
    static final TestServer narrowed = new TestServer("[http]\nmetrics_allow_from = [\"127.0.0.1/32\", \"2001:db8::/32\"]\n");

    @Test
    void loopbackClientsGetMetricsByDefault() throws Exception {
        WebClient web = new WebClient(byDefault, "127.0.0.9");
        var r = web.get(web.https("/metrics"));
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("# HELP letterbox_"), r.body());
        assertEquals(200, web.get(web.http("/metrics")).statusCode(), "plain http too");
    }

    @Test
    void clientsOutsideTheAllowedNetworksAreRefused() throws Exception {
        WebClient outsider = new WebClient(narrowed, "127.0.0.2");
        for (var uri : new java.net.URI[] {outsider.https("/metrics"), outsider.http("/metrics")}) {
            var r = outsider.get(uri, "Authorization", "Bearer some-guess-0123456789");
            assertEquals(403, r.statusCode(), uri.toString());
            assertTrue(r.body().contains("metrics_allow_from"), r.body());
            assertTrue(!r.body().contains("letterbox_"), "no numbers in the refusal: " + r.body());
        }
        assertEquals(200, outsider.get(outsider.https("/healthz")).statusCode(), "health stays open");

        WebClient insider = new WebClient(narrowed, "127.0.0.1");
        var ok = insider.get(insider.https("/metrics"));
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("letterbox_http_requests_total{code=\"403\",route=\"metrics\"} 2.0"), ok.body());
    }
}
