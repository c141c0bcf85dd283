package org.medgemma4j.grammar;

/**
 * A grammar or JSON Schema that cannot be used: a GBNF syntax error, an undefined or left-recursive rule,
 * or a schema keyword this compiler does not support (the message names it). It is the caller's input
 * that is wrong, so it is an IllegalArgumentException: a 400 in the server, a one-line error in the CLI.
 */
public final class GrammarException extends IllegalArgumentException {

    public GrammarException(String message) {
        super(message);
    }
}
