package dev.letterbox.milter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sendmail's header-change semantics, applied to the header section only. */
class HeaderEditorTest {
    static final String MESSAGE = "Received: one\r\nX-Spam: No\r\nSubject: hi\r\nx-spam: maybe\r\n\r\nbody X-Spam: body\r\n";

    static String edit(String message, HeaderChange... changes) {
        return new String(HeaderEditor.rewrite(message.getBytes(StandardCharsets.UTF_8), List.of(changes)), StandardCharsets.UTF_8);
    }

    @Test
    void noChangesGiveTheSameBytes() {
        byte[] odd = "A:b\r\nFolded:\r\n\tx\r\nSpace Before : y\r\n\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(odd, HeaderEditor.rewrite(odd, List.of()));
    }

    @Test
    void changeCountsFieldsOfThatNameWithoutCase() {
        assertEquals("Received: one\r\nX-Spam: No\r\nSubject: hi\r\nX-Spam: Yes\r\n\r\nbody X-Spam: body\r\n",
                edit(MESSAGE, new HeaderChange.Change(2, "X-Spam", "Yes")));
    }

    @Test
    void changeWithEmptyValueDeletes() {
        assertEquals("Received: one\r\nSubject: hi\r\nx-spam: maybe\r\n\r\nbody X-Spam: body\r\n",
                edit(MESSAGE, new HeaderChange.Change(1, "X-SPAM", "")));
    }

    @Test
    void changePastTheLastOccurrenceAppends() {
        assertEquals("Received: one\r\nX-Spam: No\r\nSubject: hi\r\nx-spam: maybe\r\nX-Spam: Yes\r\n\r\nbody X-Spam: body\r\n",
                edit(MESSAGE, new HeaderChange.Change(3, "X-Spam", "Yes")));
        assertEquals(MESSAGE, edit(MESSAGE, new HeaderChange.Change(3, "X-Spam", "")), "deleting what is not there changes nothing");
    }

    @Test
    void rspamdsWayOfSettingItsSpamHeader() {
        // rspamd deletes every X-Spam it saw (last first), then "changes" the first: i.e. adds it.
        assertEquals("Received: one\r\nSubject: hi\r\nX-Spam: Yes\r\n\r\nbody X-Spam: body\r\n",
                edit(MESSAGE, new HeaderChange.Change(2, "X-Spam", ""), new HeaderChange.Change(1, "X-Spam", ""),
                        new HeaderChange.Change(1, "X-Spam", "Yes")));
    }

    @Test
    void insertCountsAllFieldsAndClampsToTheEnd() {
        assertEquals("Received: one\r\nA: 1\r\nX-Spam: No\r\nSubject: hi\r\nx-spam: maybe\r\nB: 2\r\n\r\nbody X-Spam: body\r\n",
                edit(MESSAGE, new HeaderChange.Insert(1, "A", "1"), new HeaderChange.Insert(99, "B", "2")));
    }

    @Test
    void laterChangesSeeEarlierOnes() {
        assertEquals("Received: one\r\nX-Spam: No\r\nSubject: hi\r\nx-spam: maybe\r\nX-New: second\r\n\r\nbody X-Spam: body\r\n",
                edit(MESSAGE, new HeaderChange.Add("X-New", "first"), new HeaderChange.Change(1, "X-New", "second")));
    }

    @Test
    void foldedValuesGetCrlf() {
        assertEquals("Received: one\r\nX-Spam: No\r\nSubject: hi\r\nx-spam: maybe\r\nX-Long: a\r\n\tb\r\n\r\nbody X-Spam: body\r\n",
                edit(MESSAGE, new HeaderChange.Add("X-Long", "a\n\tb")));
    }

    @Test
    void messageWithoutBodyOrWithoutEmptyLine() {
        assertEquals("A: 1\r\nB: 2\r\n", edit("A: 1", new HeaderChange.Add("B", "2")));
        assertEquals("A: 1\r\nB: 2\r\n\r\n", edit("A: 1\r\n\r\n", new HeaderChange.Add("B", "2")));
        // A line that is no field ends the header section and stays first in the body.
        assertEquals("A: 1\r\nB: 2\r\nnot a field\r\nrest\r\n", edit("A: 1\r\nnot a field\r\nrest\r\n", new HeaderChange.Add("B", "2")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bad Name", "Bad:Name", "Ünicode"})
    void badNamesAreRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> new HeaderChange.Add(name, "v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nX-Injected: 1", "a\n", "a\n\nbody", "a\rb", "a\0b"})
    void valuesThatWouldBreakTheHeaderSectionAreRefused(String value) {
        assertThrows(IllegalArgumentException.class, () -> new HeaderChange.Add("X-A", value));
    }

    @Test
    void overlongFieldIsRefused() {
        String huge = "X-Huge: " + "a".repeat(HeaderSectionReader.MAX_FIELD + 10) + "\r\n\r\nbody";
        assertThrows(IllegalArgumentException.class, () -> edit(huge));
    }
}
