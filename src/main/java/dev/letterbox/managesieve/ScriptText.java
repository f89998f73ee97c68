package dev.letterbox.managesieve;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** A script's octets as text: Sieve scripts are UTF-8 (RFC 5228 §2.1), and nothing else is stored. */
public final class ScriptText {
    private ScriptText() {}

    /** The result of decoding: the text, or where the first octet that is not UTF-8 is. */
    public sealed interface Decoded {}

    public record Text(String text) implements Decoded {}

    public record NotUtf8(ScriptError error) implements Decoded {}

    public static Decoded decode(byte[] octets) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(octets);
        CharBuffer out = CharBuffer.allocate(octets.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) return new NotUtf8(new ScriptError(lineAt(octets, in.position()), "the script is not valid UTF-8"));
        decoder.flush(out);
        return new Text(out.flip().toString());
    }

    /** Strict UTF-8 for short strings (names, mechanisms); throws on anything else. */
    static String utf8(byte[] octets) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(octets)).toString();
    }

    private static int lineAt(byte[] octets, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) if (octets[i] == '\n') line++;
        return line;
    }
}
