package dev.letterbox.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Account;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.TestServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Vacation answers against the real store and queue: once per sender per period, with a null sender. */
class VacationsTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static VacationReply.Original from(String sender, String to) {
        byte[] header = ("From: " + sender + "\r\nTo: " + to + "\r\nSubject: lunch?\r\nMessage-ID: <x1@example.com>\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return new VacationReply.Original(sender, HeaderFields.parse(header, header.length));
    }

    @Test
    void eachSenderIsAnsweredOncePerPeriodThroughTheQueue() throws Exception {
        String alice = server.newUser("alice");
        Account account = server.account(alice);
        MailStore store = server.server().store();
        Vacations vacations = new Vacations(store.coordination(), store.blobs(), server.server().pipeline().queue(),
                server.hostname());
        VacationReply.Request away = new VacationReply.Request("Away.", Optional.empty(), Optional.empty(), false,
                Duration.ofDays(7), Optional.empty(), List.of());

        Vacations.Result first = vacations.answer(account, Set.of(), from("carol@example.com", alice), away, "test");
        long id = assertInstanceOf(Vacations.Result.Queued.class, first).queueId();
        QueuedMessage queued = store.queue().message(id).orElseThrow();
        assertEquals("", queued.envelope().sender(), "RFC 5230 §5.1: answers go out with a null sender");
        assertEquals(List.of("carol@example.com"), queued.recipients().stream().map(QueuedMessage.Recipient::address).toList());
        try (InputStream in = store.blobs().open(queued.envelope().blob())) {
            String bytes = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(bytes.startsWith("From: " + alice + "\r\nTo: <carol@example.com>\r\nSubject: Auto: lunch?\r\n"), bytes);
        }

        Vacations.Result again = vacations.answer(account, Set.of(), from("Carol@Example.COM", alice), away, "test");
        assertTrue(assertInstanceOf(Vacations.Result.NotSent.class, again).why().contains("already answered"), again.toString());
        assertInstanceOf(Vacations.Result.Queued.class,
                vacations.answer(account, Set.of(), from("dave@example.com", alice), away, "test"), "another sender");
        VacationReply.Request everyTime = new VacationReply.Request("Away.", Optional.empty(), Optional.empty(), false,
                Duration.ZERO, Optional.of("always"), List.of());
        for (int i = 0; i < 2; i++) {
            assertInstanceOf(Vacations.Result.Queued.class,
                    vacations.answer(account, Set.of(), from("erin@example.com", alice), everyTime, "test"), ":seconds 0");
        }
        assertInstanceOf(Vacations.Result.NotSent.class,
                vacations.answer(account, Set.of(), from("frank@example.com", "team@example.com"), away, "test"),
                "not addressed to the user");
    }
}
