package io.presenter.loadtest.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads one labelled counter from a gateway's Prometheus {@code /metrics}, to cross-check the client's view. */
final class GatewayCounters {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String adminUrl;

  GatewayCounters(String adminUrl) {
    this.adminUrl = adminUrl;
  }

  /** {@code presenter_gateway_handshakes_total{result="<result>"}}, or -1 if it cannot be read. */
  double handshakes(String result) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(adminUrl + "/metrics")).timeout(Duration.ofSeconds(5)).build();
      String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      for (String line : body.split("\n")) {
        if (line.startsWith("presenter_gateway_handshakes_total{") && line.contains("result=\"" + result + "\"")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return -1;
    }
  }
}
