package dev.letterbox.milter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Applies a filter's {@link HeaderChange}s to a message. Only the header section changes: fields a
 * change does not touch keep their exact bytes, and the body is copied through unchanged. The
 * changes apply one after the other to the header section as it stands, the way Sendmail applies
 * them, so an index counts fields added by earlier changes too. Indexes refer to the message as it
 * was sent to the filter, so edit exactly those bytes.
 */
public final class HeaderEditor {
    private HeaderEditor() {}

    /** Copies {@code message} to {@code out} with the changes applied. */
    public static void rewrite(InputStream message, OutputStream out, List<HeaderChange> changes) throws IOException {
        HeaderSectionReader reader = new HeaderSectionReader(message);
        List<byte[]> fields = new ArrayList<>();
        for (HeaderSectionReader.Field f; (f = reader.next()) != null; ) fields.add(withLineEnd(f.raw()));
        for (HeaderChange change : changes) apply(fields, change);
        for (byte[] field : fields) out.write(field);
        if (reader.endedWithEmptyLine()) out.write(CRLF);
        reader.body().transferTo(out);
    }

    /** {@link #rewrite(InputStream, OutputStream, List)} for a message in memory. */
    public static byte[] rewrite(byte[] message, List<HeaderChange> changes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 256);
        try {
            rewrite(new ByteArrayInputStream(message), out, changes);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // only an over-long field gets here
        }
        return out.toByteArray();
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private static void apply(List<byte[]> fields, HeaderChange change) {
        switch (change) {
            case HeaderChange.Add add -> fields.add(render(add.name(), add.value()));
            case HeaderChange.Insert insert ->
                    fields.add(Math.min(insert.index(), fields.size()), render(insert.name(), insert.value()));
            case HeaderChange.Change edit -> {
                int position = nthNamed(fields, edit.name(), edit.index());
                if (position < 0) {
                    if (!edit.deletes()) fields.add(render(edit.name(), edit.value()));
                } else if (edit.deletes()) {
                    fields.remove(position);
                } else {
                    fields.set(position, render(edit.name(), edit.value()));
                }
            }
        }
    }

    /** Position of the n-th (1-based) field with this name, compared without case; -1 if there are fewer. */
    private static int nthNamed(List<byte[]> fields, String name, int n) {
        String wanted = name.toLowerCase(Locale.ROOT);
        int seen = 0;
        for (int i = 0; i < fields.size(); i++) {
            String fieldName = new HeaderSectionReader.Field(fields.get(i)).name().toLowerCase(Locale.ROOT);
            if (fieldName.equals(wanted) && ++seen == n) return i;
        }
        return -1;
    }

    /** "Name: value" with CRLF line ends; the value's LF line breaks become CRLF folds. */
    static byte[] render(String name, String value) {
        String text = name + ": " + value.replace("\n", "\r\n") + "\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withLineEnd(byte[] field) {
        if (field.length > 0 && field[field.length - 1] == '\n') return field;
        byte[] ended = java.util.Arrays.copyOf(field, field.length + 2);
        ended[field.length] = '\r';
        ended[field.length + 1] = '\n';
        return ended;
    }
}
