package dev.letterbox.imap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An {@link ImapReader.Source} over fixed bytes, and a session that records what the reader asked. */
final class WireInput implements ImapReader.Source, ImapReader.Session {
    private final InputStream in;
    int continuations;
    long streamLimit;
    final List<byte[]> stored = new ArrayList<>();

    WireInput(String data) {
        this.in = new ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] readLine(int maxLength) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        boolean tooLong = false;
        while ((b = in.read()) >= 0) {
            if (line.size() < maxLength) line.write(b); else tooLong = true;
            if (b == '\n') break;
        }
        if (tooLong) throw new ImapReader.LineTooLongException();
        return line.size() == 0 && b < 0 ? null : line.toByteArray();
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public void continueLiteral() {
        continuations++;
    }

    @Override
    public long streamLimit(String commandName) {
        return commandName.equals("APPEND") ? streamLimit : 0;
    }

    @Override
    public StoredLiteral store(InputStream data, long size) throws IOException {
        byte[] all = data.readAllBytes();
        stored.add(all);
        return new StoredLiteral() {
            @Override
            public long size() {
                return all.length;
            }

            @Override
            public void close() {}
        };
    }

    static ImapReader.Result read(WireInput w) throws IOException {
        return new ImapReader(w, new ImapReader.Limits(1000, 4000)).read(w);
    }

    static ImapCommand parse(String wire) throws IOException, ImapSyntaxException {
        return parse(wire, false);
    }

    static ImapCommand parse(String wire, boolean utf8) throws IOException, ImapSyntaxException {
        WireInput w = new WireInput(wire);
        w.streamLimit = 1 << 20;
        ImapReader.Result r = read(w);
        if (!(r instanceof ImapReader.Command c)) throw new AssertionError("not a command: " + r);
        return ImapParser.parse(c.command(), new ImapParser.Context(utf8));
    }
}
