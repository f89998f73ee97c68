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
 * {@code next} is the {@code after} of the following page (null on the last); {@code lease} names
 * the node working on the message and until when (null when none is). The message bytes are not
 * exposed.
 *
 * <p>Actions, the same {@link MailQueue} operations as {@code letterbox queue retry|delete}:
 * {@code POST /api/queue/{id}/retry} and {@code POST /api/queue/retry} (every message) make the
 * waiting recipients due now and answer how many; {@code DELETE /api/queue/{id}} removes a message
 * without any report.
 */
final class QueueEndpoints {
    static final int DEFAULT_LIMIT = 100, MAX_LIMIT = 1000;

    private final MailQueue queue;

    QueueEndpoints(MailQueue queue) {
        this.queue = queue;
    }

    /** {@code s}: the path segments after "api" (the first is "queue"). */
    Response handle(Request r, List<String> s) {
        if (s.size() == 1) {
            if (!r.method().equals("GET")) throw HttpError.methodNotAllowed("GET, HEAD");
            long after = number(r.param("after").orElse("0"), "after", 0, Long.MAX_VALUE);
            int limit = (int) number(r.param("limit").orElse(Integer.toString(DEFAULT_LIMIT)), "limit", 1, MAX_LIMIT);
            List<QueuedMessage> page = queue.list(after, limit);
            List<Object> messages = new ArrayList<>();
            for (QueuedMessage m : page) messages.add(json(m));
            Object next = page.size() == limit ? page.getLast().id() : null;
            return Response.json(200, Json.obj("messages", messages, "next", next));
        }
        if (s.size() == 2 && s.get(1).equals("retry")) {
            if (!r.method().equals("POST")) throw HttpError.methodNotAllowed("POST");
            return Response.json(200, Json.obj("recipients", queue.retryAll(who(r))));
        }
        if (s.size() == 3 && s.get(2).equals("retry")) {
            if (!r.method().equals("POST")) throw HttpError.methodNotAllowed("POST");
            long id = id(s.get(1));
            int n = queue.retryNow(id, who(r)).orElseThrow(() -> noSuch(id));
            return Response.json(200, Json.obj("id", id, "recipients", n));
        }
        if (s.size() != 2) throw HttpError.notFound();
        long id = id(s.get(1));
        return switch (r.method()) {
            case "GET" -> Response.json(200, json(queue.message(id).orElseThrow(() -> noSuch(id))));
            case "DELETE" -> {
                if (!queue.remove(id, who(r))) throw noSuch(id);
                yield Response.noContent();
            }
            default -> throw HttpError.methodNotAllowed("GET, HEAD, DELETE");
        };
    }

    private static long id(String segment) {
        return number(segment, "the queue id", 1, Long.MAX_VALUE);
    }

    private static HttpError noSuch(long id) {
        return new HttpError(404, "no queued message " + id);
    }

    /** Names the request in the queue's log line, like the other admin API changes. */
    private static String who(Request r) {
        return "http " + r.id() + ": admin API (" + r.remoteAddress().getHostAddress() + ")";
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
                    "attempts", r.attempts(), "nextAttempt", r.nextAttempt().toString(), "lastError", r.lastError().orElse(null),
                    "remoteMta", r.remoteMta().orElse(null)));
        }
        QueuedMessage.Envelope e = m.envelope();
        // the node working on it (several nodes share the queue); until may have passed: then it is anyone's
        Object lease = m.lease().<Object>map(l -> Json.obj("owner", l.owner(), "until", l.until().toString())).orElse(null);
        return Json.obj("id", m.id(), "sender", e.sender(), "size", e.size(), "received", e.received().toString(),
                "recipients", recipients, "lease", lease);
    }
}
