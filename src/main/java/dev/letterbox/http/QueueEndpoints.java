package dev.letterbox.http;

import dev.letterbox.queue.MailQueue;
import dev.letterbox.store.QueuedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/queue[?after=ID&limit=N]} and {@code GET /api/queue/{id}}: the outbound queue as
 * the relay sees it, one entry per message with each recipient's state. Pages are in id order;
 * {@code next} is the {@code after} of the following page (null on the last). The message bytes
 * are not exposed.
 */
final class QueueEndpoints {
    static final int DEFAULT_LIMIT = 100, MAX_LIMIT = 1000;

    private final MailQueue queue;

    QueueEndpoints(MailQueue queue) {
        this.queue = queue;
    }

    /** {@code s}: the path segments after "api" (the first is "queue"). */
    Response handle(Request r, List<String> s) {
        if (!r.method().equals("GET")) throw HttpError.methodNotAllowed("GET, HEAD");
        if (s.size() == 1) {
            long after = number(r.param("after").orElse("0"), "after", 0, Long.MAX_VALUE);
            int limit = (int) number(r.param("limit").orElse(Integer.toString(DEFAULT_LIMIT)), "limit", 1, MAX_LIMIT);
            List<QueuedMessage> page = queue.list(after, limit);
            List<Object> messages = new ArrayList<>();
            for (QueuedMessage m : page) messages.add(json(m));
            Object next = page.size() == limit ? page.getLast().id() : null;
            return Response.json(200, Json.obj("messages", messages, "next", next));
        }
        if (s.size() != 2) throw HttpError.notFound();
        long id = number(s.get(1), "the queue id", 1, Long.MAX_VALUE);
        return Response.json(200, json(queue.message(id).orElseThrow(() -> new HttpError(404, "no queued message " + id))));
    }

    private static long number(String text, String what, long min, long max) {
        try {
            long v = Long.parseLong(text);
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new HttpError(400, what + " must be a whole number from " + min + (max == Long.MAX_VALUE ? "" : " to " + max));
    }

    private static Map<String, Object> json(QueuedMessage m) {
        List<Object> recipients = new ArrayList<>();
        for (QueuedMessage.Recipient r : m.recipients()) {
            recipients.add(Json.obj("address", r.address(), "state", r.state().name().toLowerCase(Locale.ROOT),
                    "attempts", r.attempts(), "nextAttempt", r.nextAttempt().toString(), "lastError", r.lastError().orElse(null)));
        }
        QueuedMessage.Envelope e = m.envelope();
        return Json.obj("id", m.id(), "sender", e.sender(), "size", e.size(), "received", e.received().toString(),
                "recipients", recipients);
    }
}
