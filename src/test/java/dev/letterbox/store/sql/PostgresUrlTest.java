package dev.letterbox.store.sql;

import dev.letterbox.store.StoreException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresUrlTest {
    @Test
    void aServerByNameAndPort() {
        PostgresUrl u = PostgresUrl.parse("postgresql://mail@db.example.test:6543/letters?connectTimeout=5");
        assertEquals(new PostgresUrl("mail", "db.example.test", 6543, "letters", List.of("connectTimeout=5")), u);
        assertEquals("jdbc:postgresql://db.example.test:6543/letters?connectTimeout=5", u.jdbc());
    }

    @Test
    void whatTheUrlLeavesOutHasDefaults() {
        assertEquals("jdbc:postgresql://127.0.0.1:5432/letterbox", PostgresUrl.parse("postgres://127.0.0.1").jdbc());
        assertEquals("letterbox", PostgresUrl.parse("postgresql://127.0.0.1/x").user());
    }

    @Test
    void anIpv6Literal() {
        assertEquals("jdbc:postgresql://[::1]:5433/l", PostgresUrl.parse("postgresql://u@[::1]:5433/l").jdbc());
    }

    @Test
    void aSocketDirectoryAsTheHostParameter() {
        PostgresUrl u = PostgresUrl.parse("postgresql:///letterbox?host=/var/run/postgresql");
        assertTrue(u.viaSocketFile());
        assertEquals("/var/run/postgresql/.s.PGSQL.5432", u.socketFile().orElseThrow());
        assertEquals("jdbc:postgresql://localhost:5432/letterbox?socketFactory=dev.letterbox.store.sql.UnixSocketFactory"
                + "&socketFactoryArg=%2Fvar%2Frun%2Fpostgresql%2F.s.PGSQL.5432&sslmode=disable", u.jdbc());
    }

    @Test
    void aSocketDirectoryPercentEncodedAsTheHost() {
        PostgresUrl u = PostgresUrl.parse("postgresql://mail@%2Ftmp%2Fpg:5999/box");
        assertEquals("mail", u.user());
        assertEquals("/tmp/pg/.s.PGSQL.5999", u.socketFile().orElseThrow());
        assertEquals("box", u.database());
    }

    @Test
    void refusesWhatItCannotUse() {
        assertThrows(StoreException.class, () -> PostgresUrl.parse("mysql://h/db"));
        assertThrows(StoreException.class, () -> PostgresUrl.parse("postgresql:///db"), "no host");
        assertThrows(StoreException.class, () -> PostgresUrl.parse("postgresql://h:99999/db"));
        var secret = assertThrows(StoreException.class, () -> PostgresUrl.parse("postgresql://u:hunter2@h/db"));
        assertTrue(!secret.getMessage().contains("hunter2"), "the password is not repeated: " + secret.getMessage());
    }
}
