package dev.letterbox.message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test corpus under src/test/resources/dev/letterbox/message/corpus: files are kept with LF line
 * ends in the repository and get CRLF when loaded, as the store keeps them; "*.lf.eml" stay bare-LF.
 */
final class Corpus {
    static final Path DIR = Path.of("src/test/resources/dev/letterbox/message/corpus");

    private Corpus() {}

    static byte[] load(String name) {
        return load(DIR.resolve(name));
    }

    static byte[] load(Path file) {
        try {
            byte[] raw = Files.readAllBytes(file);
            return file.getFileName().toString().endsWith(".lf.eml") ? raw : crlf(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bare LFs become CRLF; existing CRLFs stay. */
    static byte[] crlf(byte[] in) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length + in.length / 20);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) out.write('\r');
            out.write(in[i]);
        }
        return out.toByteArray();
    }
}
