package dev.letterbox.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import dev.letterbox.testing.WebClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server configured with {@code [http] metrics_token} and an enforcing MTA-STS policy. */
class MetricsAccessTest {
    static final String TOKEN = "metrics-0123456789";

    @RegisterExtension
    static final TestServer server = new TestServer("[http]\nmetrics_token = \"" + TOKEN + "\"\nmta_sts_mode = \"enforce\"\n"
            + "mta_sts_max_age = \"30d\"\n");

    final WebClient web = new WebClient(server);

    @Test
    void metricsWantTheConfiguredToken() throws Exception {
        var none = web.get(web.https("/metrics"));
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, web.get(web.https("/metrics"), "Authorization", "Bearer " + TOKEN + "x").statusCode());
        var ok = web.get(web.https("/metrics"), "Authorization", "Bearer " + TOKEN);
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("letterbox_http_requests_total{code=\"401\",route=\"metrics\"} 2.0"), ok.body());
        assertEquals(200, web.get(web.https("/healthz")).statusCode(), "health stays open");
    }

    @Test
    void mtaStsPolicyFollowsTheConfig() throws Exception {
        String r = web.raw("https", "GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts." + TestServer.DOMAIN
                + "\r\nConnection: close\r\n\r\n");
        assertEquals("version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\nmax_age: 2592000\r\n", WebClient.body(r));
    }
}
