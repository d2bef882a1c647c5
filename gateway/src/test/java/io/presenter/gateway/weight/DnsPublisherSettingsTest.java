package io.presenter.gateway.weight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.presenter.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the DNS publishers' settings are read: defaults, addresses, TSIG secrets (never echoed). */
class DnsPublisherSettingsTest {
  private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";

  @TempDir Path dir;

  @Test
  void dnsPublishingIsOffByDefault() {
    GatewayConfig.Weights w = GatewayConfig.from(ConfigFactory.defaultReference().resolve()).weights();
    assertThat(w.refreshEvery()).isEqualTo(12);
    assertThat(w.rfc2136().enabled()).isFalse();
    assertThat(w.rfc2136().recordName()).isEqualTo("_presenter._tcp");
    assertThat(w.rfc2136().tsig().algorithm()).isEqualTo("hmac-sha256");
    assertThat(w.route53().enabled()).isFalse();
    assertThat(w.route53().region()).isEqualTo("aws-global");
  }

  @Test
  void addressesParseWithAndWithoutPort() {
    assertThat(HostPort.parse("10.0.0.1:8443", -1)).isEqualTo(new HostPort("10.0.0.1", 8443));
    assertThat(HostPort.parse("ns1.example.com", 53)).isEqualTo(new HostPort("ns1.example.com", 53));
    assertThat(HostPort.parse("[2001:db8::1]:443", -1)).isEqualTo(new HostPort("2001:db8::1", 443));
    assertThat(new HostPort("2001:db8::1", 443)).hasToString("[2001:db8::1]:443");
    assertThatThrownBy(() -> HostPort.parse("10.0.0.1", -1)).hasMessageContaining("no port");
    assertThatThrownBy(() -> HostPort.parse("2001:db8::1", 53)).hasMessageContaining("brackets");
    assertThatThrownBy(() -> HostPort.parse("host:70000", -1)).hasMessageContaining("bad port");
  }

  @Test
  void theTsigSecretComesFromExactlyOneSourceAndIsNeverEchoed() throws Exception {
    Path file = dir.resolve("tsig.secret");
    Files.writeString(file, SECRET + "\n");
    assertThat(TsigKey.from(new GatewayConfig.Tsig("gw-key", "hmac-sha512", "", "", file.toString()))).isNotNull();
    assertThat(TsigKey.from(new GatewayConfig.Tsig("gw-key", "hmac-sha256", SECRET, "", ""))).isNotNull();

    assertThatThrownBy(() -> TsigKey.from(new GatewayConfig.Tsig("gw-key", "hmac-sha256", SECRET, "", file.toString())))
        .hasMessageContaining("exactly one");
    assertThatThrownBy(() -> TsigKey.from(new GatewayConfig.Tsig("gw-key", "hmac-sha256", "", "PRESENTER_NO_SUCH_VARIABLE_9F3", "")))
        .hasMessageContaining("PRESENTER_NO_SUCH_VARIABLE_9F3");
    assertThatThrownBy(() -> TsigKey.from(new GatewayConfig.Tsig("gw-key", "hmac-sha256", "not base64 " + SECRET, "", "")))
        .hasMessage("the TSIG secret is not valid base64");
    assertThatThrownBy(() -> TsigKey.from(new GatewayConfig.Tsig("gw-key", "hmac-nope", SECRET, "", "")))
        .hasMessageContaining("unknown TSIG algorithm");
    assertThat(new GatewayConfig.Tsig("gw-key", "hmac-sha256", SECRET, "", "").toString()).doesNotContain(SECRET).contains("***");
  }

  @Test
  void aRoute53RecordNeedsAnIpAddressOfItsType() {
    GatewayConfig.Route53 config = new GatewayConfig.Route53(true, "Z1", "chat.example.com.", "AAAA", Duration.ofSeconds(30),
        "aws-global", "http://127.0.0.1:9", Duration.ofSeconds(1));
    Route53WeightPublisher publisher = new Route53WeightPublisher(config,
        software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create());
    assertThatThrownBy(() -> publisher.publish(new WeightSnapshot("gw-a", new HostPort("10.0.0.1", 443), 50, 0, false)))
        .hasMessageContaining("does not fit");
    assertThatThrownBy(() -> publisher.publish(new WeightSnapshot("gw-a", new HostPort("gw.example.com", 443), 50, 0, false)))
        .hasMessageContaining("needs an IP address");
    assertThatThrownBy(() -> new Route53WeightPublisher(new GatewayConfig.Route53(true, "Z1", "chat.example.com.", "CNAME",
        Duration.ofSeconds(30), "aws-global", "", Duration.ofSeconds(1)))).hasMessageContaining("A or AAAA");
  }
}
