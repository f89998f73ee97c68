package dev.letterbox.delivery;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a message's header says about the way it came, for loop detection before it is forwarded:
 * how many Received fields it has (RFC 5321 §6.3: counting them is the classic loop test), and the
 * addresses in its Delivered-To and X-Loop fields (we add Delivered-To naming the address of ours
 * that forwards; a message that already names it has been here before).
 */
record LoopSigns(int received, Set<String> marks) {
    static final LoopSigns NONE = new LoopSigns(0, Set.of());

    /** Reads the fields of the header section {@code [0, end)} of {@code bytes}. */
    static LoopSigns of(byte[] bytes, int end) {
        int[] received = {0};
        Set<String> marks = new LinkedHashSet<>();
        HeaderFields.each(bytes, end, (name, value) -> {
            switch (name) {
                case "received" -> received[0]++;
                case "delivered-to", "x-loop" -> marks.add(bare(value));
                default -> { }
            }
        });
        return new LoopSigns(received[0], Set.copyOf(marks));
    }

    /** An address as compared: without angle brackets, lower case. */
    static String bare(String address) {
        String a = address.strip();
        if (a.startsWith("<") && a.endsWith(">")) a = a.substring(1, a.length() - 1).strip();
        return a.toLowerCase(Locale.ROOT);
    }

    boolean names(String address) {
        return marks.contains(bare(address));
    }
}
