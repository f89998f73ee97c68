package dev.letterbox.managesieve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The response syntax of RFC 5804 §4, byte for byte. */
class SieveWriterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final SieveWriter out = new SieveWriter(bytes);

    private String written() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statusLinesWithCodesAndText() throws Exception {
        out.ok("");
        out.ok(ResponseCode.tag("STARTTLS-SYNC-42"), "Done");
        out.no(ResponseCode.QUOTA_MAXSIZE, "Script too big");
        out.no("say \"no\" \\ again");
        out.bye(ResponseCode.TRYLATER, null);
        assertEquals("OK\r\nOK (TAG \"STARTTLS-SYNC-42\") \"Done\"\r\nNO (QUOTA/MAXSIZE) \"Script too big\"\r\n"
                + "NO \"say \\\"no\\\" \\\\ again\"\r\nBYE (TRYLATER)\r\n", written());
    }

    @Test
    void textThatCannotBeQuotedGoesAsALiteral() throws Exception {
        out.no("line 1: bad\nline 2: worse");
        out.no("x".repeat(1025));
        assertEquals("NO {25}\r\nline 1: bad\nline 2: worse\r\nNO {1025}\r\n" + "x".repeat(1025) + "\r\n", written());
    }

    @Test
    void capabilitiesListingsAndScripts() throws Exception {
        out.capability("IMPLEMENTATION", "Letterbox");
        out.capability("STARTTLS", null);
        out.listed("summer_script", false);
        out.listed("clever\"script", true);
        out.listed("été", false);
        out.literalLine("keep;\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("\"IMPLEMENTATION\" \"Letterbox\"\r\n\"STARTTLS\"\r\n\"summer_script\"\r\n\"clever\\\"script\" ACTIVE\r\n"
                + "\"été\"\r\n{7}\r\nkeep;\r\n\r\n", written());
    }

    @Test
    void scriptTextMustBeUtf8AndTheErrorNamesTheLine() {
        assertEquals(new ScriptText.Text("keep; # ✓"), ScriptText.decode("keep; # ✓".getBytes(StandardCharsets.UTF_8)));
        byte[] bad = "keep;\r\n# fine\r\n# \u00ff".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(new ScriptText.NotUtf8(new ScriptError(3, "the script is not valid UTF-8")), ScriptText.decode(bad));
        assertEquals("line 3: the script is not valid UTF-8", new ScriptError(3, "the script is not valid UTF-8").toString());
    }
}
