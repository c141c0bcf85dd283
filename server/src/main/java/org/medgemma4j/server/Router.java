package org.medgemma4j.server;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Maps method and path to a route; an unknown path is a 404 and a known path with another method a 405. */
final class Router {

    @FunctionalInterface
    interface Route {
        void handle(Exchange exchange) throws IOException;
    }

    private final Map<String, Map<String, Route>> routes = new HashMap<>();

    Router add(String method, String path, Route route) {
        routes.computeIfAbsent(path, p -> new HashMap<>()).put(method, route);
        return this;
    }

    Route find(String method, String path) {
        Map<String, Route> byMethod = routes.get(path);
        if (byMethod == null) {
            throw new ApiException(404, "no such endpoint: " + path, null);
        }
        Route route = byMethod.get(method);
        if (route == null && method.equals("HEAD")) {
            route = byMethod.get("GET");
        }
        if (route == null) {
            throw new ApiException(405, "method " + method + " is not allowed on " + path, null);
        }
        return route;
    }
}
