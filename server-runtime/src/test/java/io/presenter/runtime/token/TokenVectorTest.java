package io.presenter.runtime.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presenter.protocol.vectors.ProtocolVectors;
import io.presenter.runtime.token.TokenException.Reason;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The token example of docs/protocol-vectors.json (computed there with the JDK alone) is what this
 * project's key file parsing, signer and verifier make of it.
 */
class TokenVectorTest {
  private static final JsonNode VECTOR = ProtocolVectors.load().get("token");

  private final TokenKeys keys = TokenKeys.parse(VECTOR.get("keyFile").textValue());
  private final String token = VECTOR.get("token").textValue();

  @Test
  void theKeyFileHoldsTheKeyBytes() {
    String kid = VECTOR.get("kid").textValue();
    assertThat(keys.signingKid()).isEqualTo(kid);
    assertThat(HexFormat.of().formatHex(keys.secrets().get(kid))).isEqualTo(VECTOR.get("keyHex").textValue());
  }

  @Test
  void theTokenVerifiesAtVerifyAt() {
    VerifiedToken verified = verifierAt(VECTOR.get("verifyAt").longValue()).verify(token);

    assertThat(verified.userId()).isEqualTo(VECTOR.get("sub").textValue());
    assertThat(verified.coupleId()).isEqualTo(VECTOR.get("cpl").textValue());
    assertThat(verified.kid()).isEqualTo(VECTOR.get("kid").textValue());
    assertThat(verified.deviceId()).isNull();
    assertThat(verified.expiresAt()).isEqualTo(Instant.ofEpochSecond(claim("exp")));
  }

  @Test
  void theTokenIsExpiredAtExpiredAt() {
    TokenVerifier verifier = verifierAt(VECTOR.get("expiredAt").longValue());

    assertThatExceptionOfType(TokenException.class)
        .isThrownBy(() -> verifier.verify(token))
        .extracting(TokenException::reason)
        .isEqualTo(Reason.EXPIRED);
  }

  @Test
  void anyOtherSignatureIsRefused() {
    String signature = VECTOR.get("signatureBase64url").textValue();
    String other = token.substring(0, token.length() - signature.length())
            + (signature.charAt(0) == 'A' ? 'B' : 'A')
            + signature.substring(1);

    assertThatExceptionOfType(TokenException.class)
        .isThrownBy(() -> verifierAt(VECTOR.get("verifyAt").longValue()).verify(other))
        .extracting(TokenException::reason)
        .isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void theProjectsSignerMintsAnEquivalentToken() {
    // Not the same string: JSON member order is free, and the signer writes kid, typ, alg.
    TokenClaims claims =
        new TokenClaims(
            VECTOR.get("sub").textValue(),
            VECTOR.get("cpl").textValue(),
            null,
            Instant.ofEpochSecond(claim("iat")),
            Instant.ofEpochSecond(claim("exp")));

    String minted = new TokenSigner(keys).sign(claims);
    TokenVerifier verifier = verifierAt(VECTOR.get("verifyAt").longValue());

    assertThat(verifier.verify(minted)).isEqualTo(verifier.verify(token));
  }

  private static long claim(String name) {
    try {
      return new ObjectMapper().readTree(VECTOR.get("claimsJson").textValue()).get(name).longValue();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private TokenVerifier verifierAt(long epochSecond) {
    return new TokenVerifier(
        keys, TokenVerifier.DEFAULT_CLOCK_SKEW, Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
  }
}
