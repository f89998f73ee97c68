package dev.letterbox.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The virustest level (RFC 3685 §4.1) read from the fields rspamd's milter answer adds. */
class VirusSymbolsTest {
    static final VirusSymbols RSPAMD = VirusSymbols.of(VirusSymbols.RSPAMD_DEFAULTS);

    static List<HeaderChange> result(String value) {
        return List.of(new HeaderChange.Add("X-Rspamd-Queue-Id", "Q1"), new HeaderChange.Add("X-Spamd-Result", value));
    }

    @Test
    void aVirusSymbolMeansInfected() {
        assertEquals(OptionalInt.of(5), RSPAMD.level(result("default: False [0.00 / 15.00];\n\tCLAM_VIRUS(0.00)[Eicar-Signature]")));
        assertEquals(OptionalInt.of(5), RSPAMD.level(result("default: True [16.00 / 15.00]; R_SPF_NA(0.00)[no SPF record];\n\t"
                + "CLAMAV(15.00)[Win.Test.EICAR_HDB-1]")), "the symbol of a rule named clamav without its own symbol");
    }

    @Test
    void symbolsWithoutAVirusSymbolMeanCleanButNoSymbolListMeansUntested() {
        assertEquals(OptionalInt.of(1), RSPAMD.level(result("default: False [0.10 / 15.00]; MIME_GOOD(-0.10)[text/plain]")));
        assertEquals(OptionalInt.of(1), RSPAMD.level(result("default: False [0.00 / 15.00]")), "scanned, nothing hit");
        assertEquals(OptionalInt.empty(), RSPAMD.level(List.of(new HeaderChange.Change(1, "X-Spam", "Yes"))),
                "without X-Spamd-Result we cannot tell: not tested");
        assertEquals(OptionalInt.empty(), RSPAMD.level(List.of()));
    }

    @Test
    void aFailedScanIsNotTested() {
        assertEquals(OptionalInt.empty(), RSPAMD.level(result("default: False [0.00 / 15.00]; CLAM_VIRUS_FAIL(0.00)[failed to scan]")));
    }

    @Test
    void removingTheFieldIsNotAReport() {
        // rspamd removes the sender's own X-Spamd-Result before adding its own; the removal says nothing
        List<HeaderChange> changes = List.of(new HeaderChange.Change(1, "X-Spamd-Result", ""),
                new HeaderChange.Add("X-Spamd-Result", "default: False [0.00 / 15.00]; CLAM_VIRUS(0.00)[x]"));
        assertEquals(OptionalInt.of(5), RSPAMD.level(changes));
        assertEquals(OptionalInt.empty(), RSPAMD.level(List.of(new HeaderChange.Change(1, "X-Spamd-Result", ""))));
    }

    @Test
    void configuredSymbolsCompareWithoutCaseAndNoneMeansNoScanner() {
        VirusSymbols mine = VirusSymbols.of(List.of(" sophos_virus "));
        assertEquals(OptionalInt.of(5), mine.level(result("default: False [0.00 / 15.00]; SOPHOS_VIRUS(1.00)[Troj]")));
        assertEquals(OptionalInt.of(1), mine.level(result("default: False [0.00 / 15.00]; CLAM_VIRUS(1.00)[x]")));
        assertEquals(OptionalInt.empty(), VirusSymbols.of(List.of()).level(result("default: False; CLAM_VIRUS(1.00)[x]")));
    }
}
