package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.imap.Ranges;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UidMapTest {
    @Test
    void denseUidsAreOneRun() {
        long[] uids = new long[100_000];
        for (int i = 0; i < uids.length; i++) uids[i] = i + 1;
        UidMap m = UidMap.of(uids);
        assertEquals(1, m.runCount());
        assertEquals(100_000, m.size());
        assertEquals(77, m.uidAt(77));
        assertEquals(100_000, m.msnOf(100_000));
    }

    @Test
    void agreesWithAPlainListUnderRandomChanges() {
        Random random = new Random(42);
        List<Long> reference = new ArrayList<>();
        UidMap m = new UidMap();
        long next = 1;
        for (int round = 0; round < 2000; round++) {
            if (random.nextInt(3) > 0 || reference.isEmpty()) {
                next += random.nextInt(4) == 0 ? 1 + random.nextInt(5) : 0;
                m.append(next);
                reference.add(next);
                next++;
            } else {
                List<Long> gone = new ArrayList<>();
                for (int k = 0; k < 1 + random.nextInt(3); k++) gone.add(reference.get(random.nextInt(reference.size())));
                long[] arr = gone.stream().mapToLong(Long::longValue).toArray();
                m.removeAll(Ranges.of(arr));
                reference.removeAll(gone);
            }
            assertEquals(reference.size(), m.size());
            for (int i = 0; i < reference.size(); i += 1 + random.nextInt(5)) {
                assertEquals(reference.get(i), m.uidAt(i + 1));
                assertEquals(i + 1, m.msnOf(reference.get(i)));
            }
        }
        assertEquals(0, m.msnOf(next + 10));
        assertFalse(m.contains(0));
        Ranges all = m.all();
        assertEquals(reference.size(), all.size());
        assertEquals(m.uidsOfMsns(Ranges.of(1, 2, 3)).toString(), Ranges.of(reference.get(0), reference.get(1), reference.get(2)).toString());
    }

    @Test
    void intersectAndMsnRanges() {
        UidMap m = UidMap.of(new long[] {1, 2, 3, 7, 8, 20});
        assertEquals("2:3,7", m.intersect(Ranges.of(2, 3, 4, 5, 6, 7)).toString());
        assertEquals("3,7:8", m.uidsOfMsns(Ranges.of(3, 4, 5)).toString());
        assertEquals("20", m.uidsOfMsns(Ranges.of(6, 7, 8)).toString());
        m.removeAll(Ranges.of(2, 8));
        assertEquals("1,3,7,20", m.all().toString());
        assertEquals(4, m.msnOf(20));
        assertTrue(m.contains(7));
    }
}
