package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;

import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5260 date, currentdate, :zone/:originalzone, the date parts, and :index/:last. */
class DateIndexTest {
    private static TestMessage msg() {
        return TestMessage.of("""
                Received: from a.example by b.example; Tue, 1 Apr 1997 20:00:00 +0000
                Received: from c.example ([192.0.2.7]) by a.example; Tue, 1 Apr 1997 19:00:00 +0000
                Date: Tue, 1 Apr 1997 09:06:31 -0800 (PST)
                From: boss@example.com

                """);
    }

    @Test
    void rfcWorkingHoursExample() {
        String s = """
                require ["date", "relational", "fileinto"];
                if allof(header :is "from" "boss@example.com",
                         date :value "ge" :originalzone "date" "hour" "09",
                         date :value "lt" :originalzone "date" "hour" "17")
                { fileinto "urgent"; }
                """;
        assertActions(s, msg(), "fileinto urgent");
        // In the server's zone (+0100) the same moment is 18:06, outside working hours.
        assertActions(s.replace(":originalzone ", ""), msg(), "implicit keep");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "year|1997", "month|04", "day|01", "date|1997-04-01", "julian|50539", "hour|09", "minute|06",
            "second|31", "time|09:06:31", "iso8601|1997-04-01T09:06:31-08:00",
            "std11|Tue, 1 Apr 1997 09:06:31 -0800", "zone|-0800", "weekday|2",
    })
    void dateParts(String part, String expected) {
        String s = "require [\"date\", \"variables\", \"fileinto\"];"
                + " if date :originalzone :matches \"date\" \"" + part + "\" \"*\" { fileinto \"${1}\"; }";
        assertActions(s, msg(), "fileinto " + expected);
    }

    @Test
    void zoneConversion() {
        String s = "require [\"date\", \"variables\", \"fileinto\"];"
                + " if date :zone \"+0530\" :matches \"date\" \"iso8601\" \"*\" { fileinto \"${1}\"; }";
        assertActions(s, msg(), "fileinto 1997-04-01T22:36:31+05:30");
    }

    @Test
    void currentdateFilesByMonth() {
        TestMessage m = msg();
        m.now = ZonedDateTime.parse("2007-07-01T12:00:00-04:00");
        String s = """
                require ["date", "variables", "fileinto", "relational"];
                if currentdate :matches "month" "*" { set "month" "${1}"; }
                if currentdate :matches "year"  "*" { set "year"  "${1}"; }
                if allof(currentdate :value "ge" "date" "2007-06-30",
                         currentdate :value "le" "date" "2007-07-07") {
                    fileinto "${month}-${year}";
                }
                if currentdate :zone "+0000" :is "hour" "16" { fileinto "utc"; }
                """;
        assertActions(s, m, "fileinto 07-2007", "fileinto utc");
    }

    @Test
    void unparsableDateIsNoMatch() {
        TestMessage m = TestMessage.of("Date: sometime last week\n\n");
        assertActions("require \"date\"; if date :matches \"date\" \"year\" \"*\" { discard; }", m, "implicit keep");
    }

    @Test
    void indexAndLast() {
        String s = """
                require ["index", "variables", "fileinto", "date"];
                if header :index 2 :matches "received" "*([*])*" { fileinto "${2}"; }
                if header :index 1 :last :contains "received" "c.example" { fileinto "last"; }
                if header :index 3 :contains "received" "example" { fileinto "never"; }
                if date :index 1 :zone "+0000" :is "received" "hour" "20" { fileinto "first-received"; }
                """;
        assertActions(s, msg(), "fileinto 192.0.2.7", "fileinto last", "fileinto first-received");
    }

    @Test
    void errors() {
        assertCompileError("require \"date\"; if date :zone \"CET\" \"date\" \"year\" \"1\" {}",
                "line 1: :zone needs a zone like \"+0100\" or \"-0800\", not \"CET\"");
        assertCompileError("require \"date\"; if date \"date\" \"fortnight\" \"1\" {}",
                "line 1: unknown date part \"fortnight\"");
        assertCompileError("require \"index\"; if header :last \"a\" \"b\" {}", "line 1: :last needs :index");
        assertCompileError("if header :index 1 \"a\" \"b\" {}", "line 1: header :index needs require \"index\"");
        assertCompileError("require \"index\"; if header :index 0 \"a\" \"b\" {}", "line 1: :index counts from 1");
        assertCompileError("require \"date\"; if date :zone \"+0100\" :originalzone \"date\" \"year\" \"1\" {}",
                "line 1: date takes one zone, not both :zone and :originalzone");
    }
}
