package dev.letterbox.sieve;

import java.time.Duration;

/**
 * Bounds that keep a hostile or careless script from stalling delivery. Compile-time bounds refuse
 * the script; run-time bounds end the run with an error, which means implicit keep.
 *
 * @param maxScriptChars     characters of source accepted by compile
 * @param maxNesting         blocks and tests nested inside each other
 * @param maxSteps           commands and tests executed in one run (includes count)
 * @param maxStringLength    characters of a variable's value; longer values are truncated (RFC 5229 §6)
 * @param maxVariables       distinct variables one run may hold
 * @param maxRedirects       redirect actions one run may produce
 * @param maxActions         actions (keep, fileinto, redirect, vacation, header edits) one run may produce
 * @param maxBodyChars       characters of body text the body test looks at (the rest is not searched)
 * @param maxIncludeDepth    scripts included inside each other (RFC 6609 §4)
 * @param maxRunTime         wall time of one run, also stopping regular expressions mid-match
 */
public record Limits(int maxScriptChars, int maxNesting, int maxSteps, int maxStringLength, int maxVariables,
        int maxRedirects, int maxActions, int maxBodyChars, int maxIncludeDepth, Duration maxRunTime) {

    public static Limits defaults() {
        return new Limits(1 << 20, 32, 20_000, 4096, 512, 4, 64, 1 << 20, 5, Duration.ofMillis(500));
    }

    public Limits withMaxRedirects(int n) {
        return new Limits(maxScriptChars, maxNesting, maxSteps, maxStringLength, maxVariables, n, maxActions,
                maxBodyChars, maxIncludeDepth, maxRunTime);
    }

    public Limits withMaxRunTime(Duration d) {
        return new Limits(maxScriptChars, maxNesting, maxSteps, maxStringLength, maxVariables, maxRedirects,
                maxActions, maxBodyChars, maxIncludeDepth, d);
    }

    public Limits withMaxSteps(int n) {
        return new Limits(maxScriptChars, maxNesting, n, maxStringLength, maxVariables, maxRedirects, maxActions,
                maxBodyChars, maxIncludeDepth, maxRunTime);
    }
}
