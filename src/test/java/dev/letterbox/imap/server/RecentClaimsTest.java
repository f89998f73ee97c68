package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class RecentClaimsTest {
    @Test
    void theFirstClaimTakesTheMessagesAndLaterOnesStartAfterThem() {
        RecentClaims claims = new RecentClaims();
        assertEquals(5, claims.claim(1, 5, 10), "first SELECT: UIDs 5..9 are its \\Recent");
        assertEquals(10, claims.claim(1, 5, 10), "a second SELECT that read the old stored mark gets none");
        assertEquals(10, claims.mark(1, 5), "EXAMINE sees the claimed mark");
        assertEquals(12, claims.claim(1, 12, 14), "a stored mark beyond the claim wins");
        assertEquals(3, claims.claim(2, 3, 4), "mailboxes are independent");
    }

    @Test
    void concurrentClaimsHandOutEachUidOnce() throws Exception {
        RecentClaims claims = new RecentClaims();
        ConcurrentLinkedQueue<long[]> ranges = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            long upTo = 100 + t * 10;
            threads[t] = Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                ranges.add(new long[] {claims.claim(7, 1, upTo), upTo});
            });
        }
        start.countDown();
        for (Thread t : threads) t.join();
        boolean[] taken = new boolean[200];
        for (long[] r : ranges) {
            for (long uid = r[0]; uid < r[1]; uid++) {
                assertEquals(false, taken[(int) uid], "UID " + uid + " claimed twice");
                taken[(int) uid] = true;
            }
        }
        for (int uid = 1; uid < 170; uid++) assertEquals(true, taken[uid], "UID " + uid + " claimed by nobody");
    }
}
