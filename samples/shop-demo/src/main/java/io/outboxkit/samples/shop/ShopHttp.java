package io.outboxkit.samples.shop;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The demo's HTTP client for the services' APIs, with JSON bodies. Thread-safe. */
final class ShopHttp {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT)
      .build();
  private final JsonMapper json = JsonMapper.builder().build();

  /** A response's status and body. */
  record Response(int status, String body) {
  }

  Response post(URI uri, Object body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
  }

  Response put(URI uri, Object body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
  }

  /** GET, expecting 200 with a JSON body. */
  JsonNode get(URI uri) throws IOException, InterruptedException {
    Response response = send(HttpRequest.newBuilder(uri).GET());
    if (response.status() != 200) {
      throw new IOException("GET " + uri + " answered " + response.status() + ": " + response.body());
    }
    return json.readTree(response.body());
  }

  /** GET, expecting 200 with a JSON body, or 404: then null. */
  @Nullable JsonNode find(URI uri) throws IOException, InterruptedException {
    Response response = send(HttpRequest.newBuilder(uri).GET());
    if (response.status() == 404) {
      return null;
    }
    if (response.status() != 200) {
      throw new IOException("GET " + uri + " answered " + response.status() + ": " + response.body());
    }
    return json.readTree(response.body());
  }

  JsonNode parse(String body) {
    return json.readTree(body);
  }

  private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(request.timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body());
  }
}
