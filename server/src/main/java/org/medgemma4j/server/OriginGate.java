package org.medgemma4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Refuses requests from browser pages of origins not in {@link Origins}, preflights included, with 403 (as
 * Ollama does); Jetty's CrossOriginHandler, behind it, only adds or omits the CORS headers. Clients that send
 * no Origin header (SDKs, curl) pass.
 */
final class OriginGate extends Handler.Wrapper {

    private final Origins origins;
    private final ObjectMapper json;

    OriginGate(Origins origins, ObjectMapper json, Handler next) {
        super(next);
        this.origins = origins;
        this.json = json;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null || origins.allows(origin)) {
            return super.handle(request, response, callback);
        }
        response.setStatus(403);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(request.getHttpURI().getPath(), origin)), callback);
        return true;
    }

    private byte[] body(String path, String origin) throws JsonProcessingException {
        String message = "origin " + origin + " is not allowed: start the server with --origins " + origin
                + " (or set OLLAMA_ORIGINS) to let its pages call it";
        return json.writeValueAsString(ApiHandler.errorBody(json, path == null ? "" : path, 403, message, "origin_not_allowed"))
                .getBytes(StandardCharsets.UTF_8);
    }
}
