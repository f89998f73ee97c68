package dev.letterbox.imap.server;

import dev.letterbox.store.Account;

/** The IMAP connection states of RFC 3501 §3 (RFC 9051 §3). Changed only on the session thread. */
sealed interface SessionState {
    record NotAuthenticated() implements SessionState {}

    record Authenticated(Account account) implements SessionState {}

    record Selected(Account account, SelectedMailbox mailbox) implements SessionState {}

    record LoggedOut() implements SessionState {}
}
