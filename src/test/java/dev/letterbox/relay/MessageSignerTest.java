package dev.letterbox.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageSignerTest {
    private static Optional<String> from(String... fields) {
        return MessageSigner.fromDomain(List.of(fields));
    }

    @Test
    void theDomainOfTheFirstFromAddress() {
        assertEquals(Optional.of("example.com"), from("To: x@other.test", "From: \"Alice @ Home\" <alice@Example.COM>"));
        assertEquals(Optional.of("example.com"), from("from: alice@example.com (Alice @ somewhere.else)"));
        assertEquals(Optional.of("example.com"), from("From: alice@example.com, bob@other.test"));
        assertEquals(Optional.of("example.com"), from("From: Alice\r\n <alice@example.com.>", "From: <x@second.test>"));
    }

    @Test
    void noUsableFrom() {
        assertEquals(Optional.empty(), from("Subject: no from"));
        assertEquals(Optional.empty(), from("From: undisclosed"));
        assertEquals(Optional.empty(), from("From: <a@bad domain>"));
    }
}
