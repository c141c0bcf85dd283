package org.medgemma4j.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The front door: checks the API key, routes, and turns every failure into an error in the format of the
 * API that was called (OpenAI's under /v1, Ollama's elsewhere) without stack traces or internal paths.
 * Logs method, path, status and time only: prompts and answers may carry patient data.
 */
final class ApiHandler extends Handler.Abstract {

    private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());

    private final Router router;
    private final ObjectMapper json;
    private final byte[] apiKey;
    private final Metrics metrics;

    ApiHandler(Router router, ObjectMapper json, String apiKey, Metrics metrics) {
        this.router = router;
        this.json = json;
        this.apiKey = apiKey == null ? null : ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange ex = new Exchange(request, response);
        String route = "unknown";
        try {
            Router.Route target = router.find(ex.method(), ex.path());
            route = ex.path();
            if (!ex.path().equals("/health")) {
                authorize(ex);
            }
            target.handle(ex);
            ex.finish();
            callback.succeeded();
        } catch (ApiException e) {
            respondWithError(ex, e.status(), e.getMessage(), e.code(), callback);
        } catch (QueueFullException e) {
            metrics.rejectedBusy();
            ex.header("Retry-After", "1");
            respondWithError(ex, 503, e.getMessage(), null, callback);
        } catch (IOException e) {
            // the client went away; nothing can be told to it
            callback.failed(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "internal error on " + ex.method() + " " + ex.path(), e);
            respondWithError(ex, 500, "internal server error", null, callback);
        }
        metrics.request(route, ex.status());
        LOG.log(System.Logger.Level.DEBUG, () -> ex.method() + " " + ex.path() + " " + ex.status() + " "
                + (System.nanoTime() - ex.receivedNanos()) / 1_000_000 + " ms");
        return true;
    }

    private void authorize(Exchange ex) {
        if (apiKey == null) {
            return;
        }
        String given = ex.header(HttpHeader.AUTHORIZATION);
        byte[] bytes = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(bytes, apiKey)) {
            ex.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "a valid API key is required: send 'Authorization: Bearer <key>'", "invalid_api_key");
        }
    }

    private void respondWithError(Exchange ex, int status, String message, String code, Callback callback) {
        try {
            String body = json.writeValueAsString(errorBody(json, ex.path(), status, message, code));
            if (ex.committed()) {
                // a stream has started with status 200: the error ends it as one more event
                ex.chunk(ex.path().startsWith("/v1/") ? "data: " + body + "\n\n" : body + "\n");
            } else {
                ex.send(status, "application/json", body);
            }
            ex.finish();
            callback.succeeded();
        } catch (IOException e) {
            callback.failed(e);
        }
    }

    /** An error in the format of the API at {@code path}: OpenAI's under /v1, Ollama's elsewhere. */
    static ObjectNode errorBody(ObjectMapper json, String path, int status, String message, String code) {
        ObjectNode root = json.createObjectNode();
        if (path.startsWith("/v1/")) {
            ObjectNode error = root.putObject("error");
            error.put("message", message);
            error.put("type", status >= 500 ? "server_error"
                    : status == 401 ? "authentication_error" : "invalid_request_error");
            error.putNull("param");
            error.put("code", code);
        } else {
            root.put("error", message);
        }
        return root;
    }
}
