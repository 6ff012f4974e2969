package dev.tuneline.gateway;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A stand-in for dataset-service's REST API at the HTTP boundary (the gateway may not import that module): answers
 * like the real service, including its problem+json errors, and records the last upload it received.
 */
public class FakeDatasetService implements QuarkusTestResourceLifecycleManager {
    static volatile String lastUploadQuery;
    static volatile String lastUploadBody;
    static volatile String lastUploadType;
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/datasets", ex -> {
            String path = ex.getRequestURI().getPath();
            int status;
            String type = "application/json";
            String body;
            if (ex.getRequestMethod().equals("POST")) {
                lastUploadQuery = ex.getRequestURI().getQuery();
                lastUploadType = ex.getRequestHeaders().getFirst("Content-Type");
                lastUploadBody = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (lastUploadBody.isBlank()) {
                    status = 400;
                    type = "application/problem+json";
                    body = "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,\"detail\":\"row 0: empty file\"}";
                } else {
                    status = 201;
                    ex.getResponseHeaders().add("Location", "http://127.0.0.1/v1/datasets/mine");
                    body = "{\"name\":\"mine\",\"kind\":\"instruction\",\"rows\":2,\"checksum\":\"abc\"}";
                }
            } else if (path.equals("/v1/datasets")) {
                status = 200;
                body = "[{\"name\":\"code_alpaca_2k\",\"kind\":\"instruction\",\"rows\":2017,\"checksum\":\"c1\"},"
                        + "{\"name\":\"hh_helpful_pairs\",\"kind\":\"preference\",\"rows\":2345,\"checksum\":\"c2\"}]";
            } else if (path.equals("/v1/datasets/code_alpaca_2k")) {
                status = 200;
                body = "{\"name\":\"code_alpaca_2k\",\"kind\":\"instruction\",\"rows\":2017,\"checksum\":\"c1\"}";
            } else {
                status = 404;
                type = "application/problem+json";
                body = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"dataset '"
                        + path.substring(path.lastIndexOf('/') + 1) + "' is not registered\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", type);
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.start();
        return Map.of("tuneline.dataset-service.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
