package dev.letterbox.dns;

import java.util.List;

/** The outcome of one DNS query. */
public sealed interface Lookup<T> {
    /** Records of the asked type (never empty). */
    record Found<T>(List<T> records) implements Lookup<T> {}

    /** The name exists but has no records of this type (NOERROR, empty answer). */
    record NoData<T>() implements Lookup<T> {}

    /** NXDOMAIN: the name does not exist. Permanent. */
    record NoDomain<T>() implements Lookup<T> {}

    /** SERVFAIL, timeout, no server reachable: try again later. */
    record TempFail<T>(String reason) implements Lookup<T> {}
}
