package org.medgemma4j.server;

/** A request the server refuses, with the HTTP status and a message safe to show the client. */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    ApiException(int status, String message, String code) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message, null);
    }

    static ApiException modelNotFound(String name) {
        return new ApiException(404, "model '" + name + "' not found", "model_not_found");
    }

    int status() {
        return status;
    }

    /** OpenAI's machine-readable error code, or null. */
    String code() {
        return code;
    }
}
