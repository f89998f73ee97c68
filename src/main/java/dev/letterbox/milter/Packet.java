package dev.letterbox.milter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** One milter packet: a code byte and its data (without the length prefix). */
record Packet(byte code, byte[] data) {

    /** Reads the fields of {@link #data} in order; a short or unterminated field is a protocol error. */
    Fields fields() {
        return new Fields(data);
    }

    static final class Fields {
        private final byte[] data;
        private int pos;

        private Fields(byte[] data) {
            this.data = data;
        }

        int int32() throws MilterException {
            if (data.length - pos < 4) throw new MilterException("packet too short for a 32-bit number");
            int v = ((data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16) | ((data[pos + 2] & 0xff) << 8) | (data[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        /** A NUL-terminated string, decoded as UTF-8 (filters write ASCII or UTF-8). */
        String string() throws MilterException {
            int end = pos;
            while (end < data.length && data[end] != 0) end++;
            if (end == data.length) throw new MilterException("string in packet is not NUL-terminated");
            String s = new String(data, pos, end - pos, StandardCharsets.UTF_8);
            pos = end + 1;
            return s;
        }

        boolean hasMore() {
            return pos < data.length;
        }
    }

    /** Builds the data of a packet to send. */
    static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        Builder int32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Builder int16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Builder bytes(byte... b) {
            out.writeBytes(b);
            return this;
        }

        /** The string as UTF-8, NUL-terminated; a NUL inside would split the field, so it becomes a space. */
        Builder string(String s) {
            return cstring(s.replace('\0', ' ').getBytes(StandardCharsets.UTF_8));
        }

        /** Raw bytes, NUL-terminated (header fields go out byte for byte, whatever their charset). */
        Builder cstring(byte[] b) {
            for (byte x : b) out.write(x == 0 ? ' ' : x);
            out.write(0);
            return this;
        }

        byte[] build() {
            return out.toByteArray();
        }
    }
}
