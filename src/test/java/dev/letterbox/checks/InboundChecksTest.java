package dev.letterbox.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Ticker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The checks' short-lived memory of which domains are hosted here. */
class InboundChecksTest {
    @Test
    void hostedAnswersAreRememberedForTheirTimeThenAskedAgain() {
        Set<String> domains = new HashSet<>(Set.of("letterbox.test"));
        List<String> asked = new ArrayList<>();
        Predicate<String> store = d -> {
            asked.add(d);
            return domains.contains(d);
        };
        AtomicLong nanos = new AtomicLong();
        Ticker ticker = new Ticker() {
            @Override
            public long read() {
                return nanos.get();
            }
        };
        Predicate<String> hosted = InboundChecks.remembered(store, ticker);

        assertTrue(hosted.test("letterbox.test"));
        assertFalse(hosted.test("new.example"));
        domains.add("new.example");
        for (int i = 0; i < 5; i++) {
            assertTrue(hosted.test("letterbox.test"));
            assertFalse(hosted.test("new.example"), "the answer of a moment ago still stands");
        }
        assertEquals(List.of("letterbox.test", "new.example"), asked, "one store read per domain");

        nanos.addAndGet(InboundChecks.HOSTED_TTL.toNanos());
        assertTrue(hosted.test("new.example"), "after its time, the store is asked again");
        assertEquals(3, asked.size());
    }
}
