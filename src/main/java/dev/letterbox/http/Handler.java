package dev.letterbox.http;

import java.io.IOException;

/** Answers the requests of one route; refuses with {@link HttpError}. */
@FunctionalInterface
interface Handler {
    Response handle(Request request) throws IOException;
}
