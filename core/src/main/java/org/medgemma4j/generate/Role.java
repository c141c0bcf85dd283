package org.medgemma4j.generate;

import java.util.Locale;

/** Who speaks in a chat. Gemma's template calls the assistant "model". */
public enum Role {
    SYSTEM, USER, ASSISTANT;

    /** Parses the role names of the OpenAI and Ollama APIs ("model" is accepted for the assistant). */
    public static Role parse(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "system" -> SYSTEM;
            case "user" -> USER;
            case "assistant", "model" -> ASSISTANT;
            default -> throw new IllegalArgumentException("unknown role '" + name + "' (system, user or assistant)");
        };
    }
}
