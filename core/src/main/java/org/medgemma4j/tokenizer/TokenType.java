package org.medgemma4j.tokenizer;

/** A token's type as GGUF files store it (tokenizer.ggml.token_type), as llama.cpp interprets it. */
public enum TokenType {
    /** Any value llama.cpp does not know: such a token never renders and is never split out. */
    UNDEFINED,
    NORMAL,
    UNKNOWN,
    CONTROL,
    USER_DEFINED,
    UNUSED,
    BYTE;

    static TokenType fromGguf(int value) {
        return switch (value) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> UNDEFINED;
        };
    }

    /** Tokens matched in raw text before the SentencePiece pass (llama.cpp's special tokens cache). */
    boolean isSpecial() {
        return this == CONTROL || this == USER_DEFINED || this == UNKNOWN;
    }

    /** Split out of text only when special tokens are parsed; user-defined ones always are. */
    boolean needsParseSpecial() {
        return this == CONTROL || this == UNKNOWN;
    }
}
