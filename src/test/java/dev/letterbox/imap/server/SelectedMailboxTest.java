package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.imap.Ranges;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Rights;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The selected view as a model: what was handed in, and what the client was told. No server needed. */
class SelectedMailboxTest {
    private static SelectedMailbox view(long... uids) {
        return new SelectedMailbox(7, 1, Rights.ALL, 100, false, UidMap.of(uids), Ranges.EMPTY, 50, List.of("$Work"), null);
    }

    /** RFC 3501 §7.4.1: an expunge by another session keeps its number until it is reported. */
    @Test
    void anExpungeElsewhereIsAGhostUntilReported() {
        SelectedMailbox v = view(1, 2, 3);
        v.expungedElsewhere(Ranges.of(2));
        assertTrue(v.isGhost(2));
        assertEquals(2, v.uids.msnOf(2));
        assertEquals(3, v.uids.size());
        v.removeReported(v.pendingExpunges());
        assertFalse(v.hasPendingExpunges());
        assertEquals(2, v.uids.size());
        assertEquals(2, v.uids.msnOf(3));
    }

    /** New messages get numbers after the others; only those from the claimed mark on are \Recent. */
    @Test
    void arrivalsAreNumberedAndRecentFromTheClaimedMark() {
        SelectedMailbox v = view(1, 2);
        long[] added = {5, 6, 7};
        v.arrived(added);
        v.claimedRecent(added, 6);
        assertEquals(5, v.uids.size());
        assertEquals(3, v.uids.msnOf(5));
        assertFalse(v.isRecent(5));
        assertTrue(v.isRecent(6) && v.isRecent(7));
        assertEquals(2, v.recentCount());
    }

    /** The session's own flag change is not reported twice; catching up forgets it and moves the MODSEQ on. */
    @Test
    void ownChangesAreForgottenOnceCaughtUp() {
        SelectedMailbox v = view(1);
        v.ownChange(60);
        assertTrue(v.isOwn(60));
        v.reportedUpTo(61);
        assertFalse(v.isOwn(60));
        assertEquals(61, v.knownModSeq());
        v.reportedUpTo(55);
        assertEquals(61, v.knownModSeq());
    }

    /** RFC 3501 §7.2.6: only a keyword the client has not been told of asks for a new FLAGS. */
    @Test
    void onlyAnUnannouncedKeywordNeedsAFlagsResponse() {
        SelectedMailbox v = view(1);
        assertFalse(v.learnKeywords(Flags.of(Flags.SEEN, Set.of("$work"))));
        assertTrue(v.learnKeywords(Flags.of(0, Set.of("$Late"))));
        assertEquals(List.of("$Late", "$Work"), v.keywords());
        assertFalse(v.learnKeywords(Flags.of(0, Set.of("$late"))));
    }
}
