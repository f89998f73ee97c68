package dev.letterbox.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void scrapeIsPrometheusTextWithBoundedCommandLabels() {
        Metrics m = new Metrics();
        m.connectionOpened("imaps");
        m.login("pop3", false);
        m.commandLatency("pop3", "Retr", 2_000_000);
        m.commandLatency("smtp", "rcpt to:<x@y> bogus \n", 1_000);
        m.gauge("letterbox_queue_size", "Messages waiting in the outbound queue", () -> 7);
        String text = m.scrape();
        assertTrue(text.contains("letterbox_connections_total{listener=\"imaps\"} 1"), text);
        assertTrue(text.contains("letterbox_connections_active{listener=\"imaps\"} 1"), text);
        assertTrue(text.contains("letterbox_auth_total{outcome=\"fail\",protocol=\"pop3\"} 1"), text);
        assertTrue(text.contains("letterbox_command_duration_seconds_count{command=\"RETR\",protocol=\"pop3\"} 1"), text);
        assertTrue(text.contains("command=\"OTHER\",protocol=\"smtp\""), "client text never becomes a label: " + text);
        assertTrue(text.contains("letterbox_queue_size 7"), text);
    }

    @Test
    void aCommandSeenAgainCountsOnTheSameLabelsAndManyInventedNamesStayOther() {
        Metrics m = new Metrics();
        for (int i = 0; i < 3; i++) m.commandLatency("imap", "Fetch", 1_000);
        m.commandLatency("imap", "FETCH", 1_000);
        for (int i = 0; i < 300; i++) m.commandLatency("imap", "bogus word " + i, 1_000);
        m.commandLatency("imap", "Fetch", 1_000); // after the map is full, still the same data point
        String text = m.scrape();
        assertTrue(text.contains("letterbox_command_duration_seconds_count{command=\"FETCH\",protocol=\"imap\"} 5"), text);
        assertTrue(text.contains("letterbox_command_duration_seconds_count{command=\"OTHER\",protocol=\"imap\"} 300"), text);
    }
}
