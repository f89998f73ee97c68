package dev.letterbox.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SequenceSetTest {
    @Test
    void rangesInAnyOrderWithStar() {
        assertEquals("1:3,7", SequenceSet.parse("3:1,7").resolve(10).toString());
        assertEquals("5:10", SequenceSet.parse("*:5").resolve(10).toString());
        assertEquals("10", SequenceSet.parse("*").resolve(10).toString());
        // RFC 3501 §6.4.8: "UID 90:*" when the largest UID is 50 still matches message 50
        assertEquals("50", SequenceSet.parse("90:*").resolve(50).toString());
        assertEquals("", SequenceSet.parse("90:100").resolve(50).toString());
        assertEquals("1:6", SequenceSet.parse("1:3,4,5:6,2").resolve(10).toString());
        assertEquals("", SequenceSet.parse("1:*").resolve(0).toString());
        assertEquals(7, SequenceSet.parse("2,7:*").largestExplicit());
    }

    @Test
    void invalidSetsAreRefused() {
        for (String bad : new String[] {"", "0", "1:", ",", "1,,2", "a", "01", "4294967296", "1:2:3"}) {
            assertThrows(IllegalArgumentException.class, () -> SequenceSet.parse(bad), bad);
        }
    }

    @Test
    void rangesFromNumbers() {
        assertEquals("1:3,5,9:10", Ranges.of(10, 2, 1, 3, 5, 9, 3).toString());
        Ranges r = Ranges.of(1, 2, 3, 8);
        assertEquals(4, r.size());
        assertEquals(true, r.contains(8));
        assertEquals(false, r.contains(4));
    }

    @Test
    void rangeSetOperations() {
        Ranges a = Ranges.of(1, 2, 3, 4, 7, 8, 9), b = Ranges.of(3, 4, 5, 8, 20);
        assertEquals("1:5,7:9,20", a.union(b).toString());
        assertEquals("1:2,7,9", a.minus(b).toString());
        assertEquals("3:4,8", a.intersect(b).toString());
        assertEquals("", Ranges.EMPTY.intersect(a).toString());
        assertEquals(a, a.minus(Ranges.EMPTY));
    }

    /** RFC 5267 §3: a sorted result keeps its order; only ascending runs are joined into ranges. */
    @Test
    void aListInItsOwnOrderJoinsOnlyAscendingRuns() {
        long[] sorted = {5, 3, 4, 2, 1, 7, 8, 9};
        assertEquals("5,3:4,2,1,7:9", SequenceSet.inListOrder(sorted, 0, sorted.length));
        assertEquals("4,2", SequenceSet.inListOrder(sorted, 2, 4));
        assertEquals("", SequenceSet.inListOrder(sorted, 3, 3));
    }
}
