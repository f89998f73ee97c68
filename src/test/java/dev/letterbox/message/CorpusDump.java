package dev.letterbox.message;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prints ENVELOPE, BODYSTRUCTURE and BODY of message files, for comparing with another server by hand. */
public final class CorpusDump {
    public static void main(String[] args) throws Exception {
        for (String a : args) {
            byte[] raw = Corpus.load(Path.of(a));
            MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(raw));
            System.out.println("== " + Path.of(a).getFileName());
            System.out.println("ENVELOPE " + NodeText.render(s.envelope()) + " BODYSTRUCTURE " + NodeText.render(s.bodyStructure(true))
                    + " BODY " + NodeText.render(s.bodyStructure(false)));
        }
    }
}
