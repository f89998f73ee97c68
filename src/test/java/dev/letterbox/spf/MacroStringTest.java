package dev.letterbox.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The macro-string grammar and transformations of RFC 7208 §7, without DNS. */
class MacroStringTest {
    /** Values for every letter; "l" and "d" carry the delimiters the transformers split on. */
    private static String value(char letter) {
        return switch (letter) {
            case 's' -> "strong-bad@email.example.com";
            case 'l' -> "a-b+c.d";
            case 'o', 'd' -> "email.example.com";
            case 'i' -> "192.0.2.3";
            case 'h' -> "JUMPIN' JUPITER";
            default -> "<" + letter + ">";
        };
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "%{d}|email.example.com",
            "%{d1}|com",
            "%{d0003}|email.example.com",
            "%{d99999999999999999999}|email.example.com",
            "%{dr}|com.example.email",
            "%{DR}|com.example.email",
            "%{l}|a-b+c.d",
            "%{l-}|a.b+c.d",
            "%{l-+}|a.b.c.d",
            "%{lr-+}|c.d.b.a",
            "%{l2r-+}|b.a",
            "%{lr.}|d.a-b+c",
            "%{h}|`JUMPIN' JUPITER`",
            "%{H}|JUMPIN%27%20JUPITER",
            "%{S}|strong-bad%40email.example.com",
            "%%%_%-|`% %20`",
            "x.%{ir}.y|x.3.2.0.192.y",
    })
    void expandsAsSection7Says(String macro, String expected) throws Exception {
        assertEquals(expected, MacroString.explainString(macro).expand(MacroStringTest::value));
    }

    @ParameterizedTest(name = "\"{0}\" is a permerror")
    @ValueSource(strings = {
            "%", "foo%", "%(ir).example.com", "%x", "%{", "%{d", "%{d2", "%{d2r", "%{d2r.", "%{x}.example.com",
            "%{d0}.example.com", "%{d2x}.example.com", "%{d-r}.example.com", "%{c}.example.com", "%{r}.example.com",
            "%{t}.example.com", "%{}.example.com", "tab\there.example.com", "é.example.com", "",
            "example", "example.", "example.com:8080", "111.222.33.44", "abc.123", "example.-com", "example.com-",
            "%{d}.", "%{d}com", "a..",
    })
    void malformedDomainSpecs(String spec) {
        SpfException e = assertThrows(SpfException.class, () -> MacroString.domainSpec(spec));
        assertEquals(SpfResult.Result.PERMERROR, e.result());
    }

    @ParameterizedTest(name = "\"{0}\" is a domain-spec")
    @ValueSource(strings = {
            "example.com", "example.com.", "%{d}", "_spf.%{d2}", "%{ir}.%{v}._spf.%{d2}", "foo:bar/baz.example.com",
            "foo.xn--zckzah", "foo.12-34", "mail.example...com", "x%%", "x%_", "x%-", "%{L2r+-=/,_.}",
    })
    void wellFormedDomainSpecs(String spec) throws Exception {
        assertEquals(spec, MacroString.domainSpec(spec).toString());
    }

    @Test
    void theExplanationOnlyLettersAreAllowedInExplanations() throws Exception {
        assertEquals("<c> <r> <t>", MacroString.explainString("%{c} %{r} %{t}").expand(MacroStringTest::value));
        assertThrows(SpfException.class, () -> MacroString.modifierValue("with space"));
        assertThrows(SpfException.class, () -> MacroString.explainString("bell\u0007"));
    }

    @Test
    void expansionIsBoundedWhateverTheInputs() throws Exception {
        String hundredKilobytes = "x".repeat(100_000);
        MacroString tenMacros = MacroString.domainSpec("%{l}".repeat(10));
        SpfException e = assertThrows(SpfException.class, () -> tenMacros.expand(letter -> hundredKilobytes));
        assertEquals(SpfResult.Result.PERMERROR, e.result());
        MacroString many = MacroString.domainSpec("%{d}".repeat(5000));
        assertThrows(SpfException.class, () -> many.expand(letter -> "example.com"));
        String justUnder = "a".repeat(MacroString.MAX_EXPANSION);
        assertTrue(MacroString.domainSpec("%{l}").expand(letter -> justUnder).length() == MacroString.MAX_EXPANSION);
    }
}
