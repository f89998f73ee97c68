package dev.letterbox.sieve;

/**
 * The text a regular expression runs on, checking the run's deadline as the matcher reads it: the
 * only way to stop java.util.regex mid-match, so catastrophic backtracking ends in a run-time
 * error (implicit keep) instead of a stalled delivery.
 */
final class DeadlineChars implements CharSequence {
    private final String text;
    private final Run run;
    private int reads;

    DeadlineChars(String text, Run run) {
        this.text = text;
        this.run = run;
    }

    @Override
    public char charAt(int index) {
        // Reading the clock costs more than a char: look every 4096 reads.
        if ((++reads & 0xFFF) == 0) run.checkTime();
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
    }

    @Override
    public String toString() {
        return text;
    }
}
