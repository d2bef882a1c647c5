package io.presenter.runtime.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenKeysTest {
  private static final String SECRET_1 = Base64.getEncoder().encodeToString(new byte[32]);
  private static final String SECRET_2 = Base64.getEncoder().encodeToString(bytes(48, 7));

  @Test
  void parsesKeyFile() {
    TokenKeys keys =
        TokenKeys.parse(
            "{\"signingKid\":\"k2\",\"keys\":{\"k1\":\""
                + SECRET_1
                + "\",\"k2\":\""
                + SECRET_2
                + "\"}}");

    assertThat(keys.signingKid()).isEqualTo("k2");
    assertThat(keys.kids()).containsExactly("k1", "k2");
    assertThat(keys.secrets().get("k2")).isEqualTo(bytes(48, 7));
  }

  @Test
  void generatedKeysSurviveTheirJson(@TempDir Path dir) throws Exception {
    TokenKeys generated = TokenKeys.generate("2025-01");
    Path file = dir.resolve("keys.json");
    Files.writeString(file, generated.toJson());

    TokenKeys loaded = TokenKeys.load(file);

    assertThat(loaded.signingKid()).isEqualTo("2025-01");
    assertThat(loaded.secrets().get("2025-01"))
        .hasSize(32)
        .isEqualTo(generated.secrets().get("2025-01"));
    assertThat(TokenKeys.generate("x").secrets().get("x"))
        .isNotEqualTo(TokenKeys.generate("x").secrets().get("x"));
  }

  @Test
  void refusesShortSecretsWithAClearMessage() {
    String shortSecret = Base64.getEncoder().encodeToString(new byte[31]);

    assertThatThrownBy(
            () ->
                TokenKeys.parse(
                    "{\"signingKid\":\"k1\",\"keys\":{\"k1\":\"" + shortSecret + "\"}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key k1 is 31 bytes")
        .hasMessageContaining("at least 32");
  }

  @Test
  void refusesBrokenKeyFiles() {
    assertThatThrownBy(
            () -> TokenKeys.parse("{\"signingKid\":\"k9\",\"keys\":{\"k1\":\"" + SECRET_1 + "\"}}"))
        .hasMessageContaining("signing kid k9 is not one of the keys");
    assertThatThrownBy(() -> TokenKeys.parse("{\"signingKid\":\"k1\",\"keys\":{}}"))
        .hasMessageContaining("no keys");
    assertThatThrownBy(() -> TokenKeys.parse("{\"signingKid\":\"k1\",\"keys\":{\"k1\":\"%%%\"}}"))
        .hasMessageContaining("not valid base64");
    assertThatThrownBy(() -> TokenKeys.parse("{\"keys\":{}}")).hasMessageContaining("signingKid");
    assertThatThrownBy(
            () -> TokenKeys.parse("{\"signingKid\":\"k1\",\"keys\":{\"k1\":\"" + SECRET_1))
        .hasMessageStartingWith("token keys are not valid JSON")
        .hasMessageNotContaining(SECRET_1);
    assertThatThrownBy(
            () ->
                TokenKeys.parse(
                    "{\"signingKid\":\"k1\",\"keys\":{\"k1\":\""
                        + SECRET_1
                        + "\",\"k1\":\""
                        + SECRET_2
                        + "\"}}"))
        .hasMessageContaining("repeat a name");
  }

  @Test
  void neverShowsSecrets() {
    TokenKeys keys = TokenKeys.of("k1", Map.of("k1", bytes(32, 1)));
    String secret = Base64.getEncoder().encodeToString(bytes(32, 1));

    assertThat(keys.toString()).contains("k1").doesNotContain(secret);
    assertThat(new TokenSigner(keys).toString()).doesNotContain(secret);
    assertThat(new TokenVerifier(keys).toString()).doesNotContain(secret);
  }

  @Test
  void copiesSecretsItIsGiven() {
    byte[] secret = bytes(32, 3);
    TokenKeys keys = TokenKeys.of("k1", Map.of("k1", secret));
    secret[0] = 99;

    assertThat(keys.secrets().get("k1")).isEqualTo(bytes(32, 3));
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed * 31 + i);
    }
    return b;
  }
}
