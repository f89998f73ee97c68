package dev.letterbox.managesieve;

/** Why a script is refused: the line (from 1) where the problem is, and what it is. */
public record ScriptError(int line, String reason) {
    /** "line 3: unknown command \"fileinot\"", the form RFC 5804 §2.6's example uses. */
    @Override
    public String toString() {
        return "line " + line + ": " + reason;
    }
}
