package dev.letterbox.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MilterAddressTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "inet:127.0.0.1:11332      | 127.0.0.1 | 11332",
            "inet:localhost:8891       | localhost | 8891",
            "INET:[::1]:11332          | ::1       | 11332",
            "inet:11332@127.0.0.1      | 127.0.0.1 | 11332",
            "inet6:11332@[::1]         | ::1       | 11332",
            "inet6:11332@::1           | ::1       | 11332",
    })
    void inetForms(String text, String host, int port) {
        assertEquals(new MilterAddress.Inet(host, port), MilterAddress.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"unix:/run/rspamd/milter.sock", "local:/run/rspamd/milter.sock"})
    void unixForms(String text) {
        assertEquals(new MilterAddress.Unix(Path.of("/run/rspamd/milter.sock")), MilterAddress.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:11332", "tcp:127.0.0.1:1", "inet:127.0.0.1", "inet::11332", "inet:host:0",
            "inet:host:65536", "inet:host:12x", "inet:[::1]11332", "unix:", "inet:@host"})
    void badFormsNameTheProblem(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MilterAddress.parse(text));
        assertEquals(true, e.getMessage().contains("milter"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"inet:127.0.0.1:11332", "inet:[::1]:11332", "unix:/run/x.sock"})
    void printsAsParsed(String text) {
        assertEquals(text, MilterAddress.parse(text).toString());
    }
}
