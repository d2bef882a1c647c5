package io.presenter.gateway.weight;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.presenter.gateway.config.GatewayConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The Route 53 publisher drives the real AWS SDK against a loopback HTTP endpoint that records
 * each ChangeResourceRecordSets request and answers like Route 53 (or with errors). This proves
 * the requests the gateway sends (action, record set, weight, TTL, value, signed with the
 * configured credentials) and how it survives failures; it does not prove Route 53 itself.
 */
class Route53WeightPublisherTest {
  private static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";
  private static final String OK = """
      <?xml version="1.0" encoding="UTF-8"?>
      <ChangeResourceRecordSetsResponse xmlns="%s"><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status>\
      <SubmittedAt>2025-01-01T00:00:00.000Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>""".formatted(NS);

  private record Reply(int status, String body, Duration delay) {}

  private record Captured(String method, String path, String authorization, Document body) {
    String text(String element) {
      return body.getElementsByTagNameNS(NS, element).item(0).getTextContent();
    }
  }

  private HttpServer endpoint;
  private final List<Captured> requests = new CopyOnWriteArrayList<>();
  private final AtomicReference<Reply> reply = new AtomicReference<>(new Reply(200, OK, Duration.ZERO));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicBoolean draining = new AtomicBoolean();

  @BeforeEach
  void startEndpoint() throws IOException {
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.createContext("/", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        requests.add(new Captured(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
            exchange.getRequestHeaders().getFirst("Authorization"), parse(in.readAllBytes())));
        Reply r = reply.get();
        if (!r.delay().isZero()) {
          Thread.sleep(r.delay().toMillis()); // a slow Route 53: the client's timeout must cut in
        }
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/xml");
        exchange.sendResponseHeaders(r.status(), body.length);
        exchange.getResponseBody().write(body);
      } catch (Exception e) {
        throw new IOException(e);
      }
    });
    endpoint.start();
  }

  @AfterEach
  void stopEndpoint() {
    endpoint.stop(0);
  }

  private static Document parse(byte[] xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
  }

  private WeightPublishing publishing(Duration timeout) {
    GatewayConfig.Route53 config = new GatewayConfig.Route53(true, "ZTEST123", "chat.presenter.test.", "A", Duration.ofSeconds(30),
        "aws-global", "http://127.0.0.1:" + endpoint.getAddress().getPort(), timeout);
    Route53WeightPublisher publisher = new Route53WeightPublisher(config,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPRESENTERTEST", "not-a-real-secret")));
    return new WeightPublishing("gw-a", new HostPort("192.0.2.10", 443), new WeightCalculator(100), () -> 0, draining::get, () -> 0.0, meters)
        .add(publisher, 12);
  }

  private double failures() {
    return meters.get(GuardedPublisher.FAILURES).tag("publisher", "route53").counter().count();
  }

  @Test
  void upsertsAWeightedRecordThenWeightZeroOnDrainAndDeletesItOnClose() throws Exception {
    try (WeightPublishing p = publishing(Duration.ofSeconds(5))) {
      p.publishNow().get(10, TimeUnit.SECONDS);
      Captured first = requests.get(0);
      assertThat(first.method()).isEqualTo("POST");
      assertThat(first.path()).isEqualTo("/2013-04-01/hostedzone/ZTEST123/rrset/");
      assertThat(first.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=AKIDPRESENTERTEST/").contains("/route53/aws4_request");
      assertThat(first.text("Action")).isEqualTo("UPSERT");
      assertThat(first.text("Name")).isEqualTo("chat.presenter.test.");
      assertThat(first.text("Type")).isEqualTo("A");
      assertThat(first.text("SetIdentifier")).isEqualTo("gw-a");
      assertThat(first.text("Weight")).isEqualTo("100");
      assertThat(first.text("TTL")).isEqualTo("30");
      assertThat(first.text("Value")).isEqualTo("192.0.2.10");
      assertThat(first.body().getElementsByTagNameNS(NS, "Change").getLength()).as("one change per call").isEqualTo(1);

      p.publishNow().get(10, TimeUnit.SECONDS);
      assertThat(requests).as("unchanged: nothing sent until a refresh is due").hasSize(1);

      draining.set(true);
      p.publishNow().get(10, TimeUnit.SECONDS);
      assertThat(requests).hasSize(2);
      assertThat(requests.get(1).text("Action")).isEqualTo("UPSERT");
      assertThat(requests.get(1).text("SetIdentifier")).isEqualTo("gw-a");
      assertThat(requests.get(1).text("Weight")).as("draining keeps the record at weight 0").isEqualTo("0");
    }
    assertThat(requests).hasSize(3);
    Captured last = requests.get(2);
    assertThat(last.text("Action")).isEqualTo("DELETE");
    assertThat(last.text("SetIdentifier")).isEqualTo("gw-a");
    assertThat(last.text("Weight")).as("a DELETE repeats the record exactly").isEqualTo("0");
    assertThat(last.text("Value")).isEqualTo("192.0.2.10");
    assertThat(failures()).isZero();
  }

  @Test
  void serverErrorsAndThrottlingAreCountedAndRetriedNextRound() throws Exception {
    try (WeightPublishing p = publishing(Duration.ofSeconds(5))) {
      assertThat(failures()).as("registered at 0").isZero();
      reply.set(new Reply(500, """
          <?xml version="1.0"?><ErrorResponse xmlns="%s"><Error><Type>Receiver</Type><Code>InternalFailure</Code>\
          <Message>boom</Message></Error><RequestId>r1</RequestId></ErrorResponse>""".formatted(NS), Duration.ZERO));
      p.publishNow().get(10, TimeUnit.SECONDS); // nothing escapes
      reply.set(new Reply(400, """
          <?xml version="1.0"?><ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>Throttling</Code>\
          <Message>Rate exceeded</Message></Error><RequestId>r2</RequestId></ErrorResponse>""".formatted(NS), Duration.ZERO));
      p.publishNow().get(10, TimeUnit.SECONDS);
      assertThat(failures()).isEqualTo(2);
      assertThat(requests).as("no retries inside the SDK: the next round is the retry").hasSize(2);

      reply.set(new Reply(200, OK, Duration.ZERO));
      p.publishNow().get(10, TimeUnit.SECONDS);
      assertThat(requests).as("the failed change is sent again although the weight did not change").hasSize(3);
      assertThat(requests.get(2).text("Weight")).isEqualTo("100");
      assertThat(failures()).isEqualTo(2);
    }
  }

  @Test
  void aSlowEndpointIsCutOffByTheTimeout() throws Exception {
    reply.set(new Reply(200, OK, Duration.ofSeconds(3)));
    try (WeightPublishing p = publishing(Duration.ofMillis(500))) {
      long start = System.nanoTime();
      p.publishNow().get(10, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
      assertThat(failures()).isEqualTo(1);
    }
  }
}
