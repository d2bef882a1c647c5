package io.presenter.runtime.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayNodeTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void encodesTheDocumentedJsonAndDecodesItBack() {
    GatewayNode node = new GatewayNode("gw-1", "10.0.0.7:443", 87, 1200, GatewayNode.State.SERVING);
    assertThat(new String(node.toJson(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"id\":\"gw-1\",\"address\":\"10.0.0.7:443\",\"weight\":87,\"connections\":1200,\"state\":\"serving\"}");
    assertThat(GatewayNode.fromJson(node.toJson())).isEqualTo(node);
    GatewayNode draining = new GatewayNode("gw-\u00e9", "[::1]:8443", 0, 3, GatewayNode.State.DRAINING);
    assertThat(GatewayNode.fromJson(draining.toJson())).isEqualTo(draining);
    assertThat(draining.draining()).isTrue();
    assertThat(node.draining()).isFalse();
  }

  @Test
  void ignoresUnknownFieldsAndDefaultsConnections() {
    assertThat(GatewayNode.fromJson(utf8(
        "{\"zone\":\"eu-1\",\"id\":\"gw-2\",\"address\":\"gw-2.example:443\",\"weight\":5,\"state\":\"draining\"}")))
        .isEqualTo(new GatewayNode("gw-2", "gw-2.example:443", 5, 0, GatewayNode.State.DRAINING));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "garbage", "[]", "{\"id\":\"a\",\"address\":\"h:1\",\"weight\":1,\"state\":\"serving\"} trailing",
      "{\"address\":\"h:1\",\"weight\":1,\"state\":\"serving\"}", "{\"id\":\"a\",\"weight\":1,\"state\":\"serving\"}",
      "{\"id\":\"a\",\"address\":\"h:1\",\"state\":\"serving\"}", "{\"id\":\"a\",\"address\":\"h:1\",\"weight\":1}",
      "{\"id\":\"a\",\"address\":\"h:1\",\"weight\":1,\"state\":\"gone\"}",
      "{\"id\":\"a\",\"address\":\"h:1\",\"weight\":-1,\"state\":\"serving\"}",
      "{\"id\":\"a\",\"address\":\"h:1\",\"weight\":\"1\",\"state\":\"serving\"}",
      "{\"id\":\"a\",\"address\":\"h:1\",\"weight\":1,\"connections\":-2,\"state\":\"serving\"}",
      "{\"id\":\"a/b\",\"address\":\"h:1\",\"weight\":1,\"state\":\"serving\"}",
      "{\"id\":\"a\",\"address\":\" \",\"weight\":1,\"state\":\"serving\"}"})
  void rejectsInvalidData(String json) {
    assertThatThrownBy(() -> GatewayNode.fromJson(utf8(json)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gateway");
  }

  @Test
  void errorMessagesSayWhatIsWrong() {
    assertThatThrownBy(() -> GatewayNode.fromJson(utf8("{\"id\":\"a\",\"address\":\"h:1\",\"state\":\"serving\"}")))
        .hasMessageContaining("missing \"weight\"");
    assertThatThrownBy(() -> GatewayNode.fromJson(utf8("{\"id\":\"a\",\"address\":\"h:1\",\"weight\":1,\"state\":\"x\"}")))
        .hasMessageContaining("unknown \"state\"");
    assertThatThrownBy(() -> GatewayNode.fromJson(null)).hasMessageContaining("empty");
  }
}
