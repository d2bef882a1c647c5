package io.presenter.runtime.token;

import static io.presenter.runtime.token.TokenKeysTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.presenter.runtime.token.TokenException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final byte[] K1 = bytes(32, 1);
  private static final byte[] K2 = bytes(32, 2);

  private final TokenKeys keys = TokenKeys.of("k1", Map.of("k1", K1));
  private final TokenVerifier verifier = new TokenVerifier(keys, Duration.ofSeconds(30), CLOCK);

  @Test
  void roundTrip() {
    String token =
        new TokenSigner(keys).sign(claims("dev-1", NOW.minusSeconds(10), NOW.plusSeconds(3600)));

    VerifiedToken verified = verifier.verify(token);

    assertThat(verified)
        .isEqualTo(new VerifiedToken("alice", "couple-7", "dev-1", NOW.plusSeconds(3600), "k1"));
  }

  @Test
  void deviceIsOptional() {
    String token = new TokenSigner(keys).sign(claims(null, NOW, NOW.plusSeconds(60)));

    assertThat(verifier.verify(token).deviceId()).isNull();
  }

  @Test
  void rotation() {
    String byK1 = new TokenSigner(keys).sign(claims(null, NOW, NOW.plusSeconds(60)));
    TokenKeys both = TokenKeys.of("k2", Map.of("k1", K1, "k2", K2));
    TokenKeys onlyK2 = TokenKeys.of("k2", Map.of("k2", K2));

    String byK2 = new TokenSigner(both).sign(claims(null, NOW, NOW.plusSeconds(60)));

    assertThat(new TokenVerifier(both, Duration.ZERO, CLOCK).verify(byK1).kid()).isEqualTo("k1");
    assertThat(new TokenVerifier(both, Duration.ZERO, CLOCK).verify(byK2).kid()).isEqualTo("k2");
    assertThat(new TokenVerifier(onlyK2, Duration.ZERO, CLOCK).verify(byK2).kid()).isEqualTo("k2");
    assertRefused(new TokenVerifier(onlyK2, Duration.ZERO, CLOCK), byK1, Reason.UNKNOWN_KEY);
  }

  @Test
  void expiredBeyondSkew() {
    String token =
        new TokenSigner(keys).sign(claims(null, NOW.minusSeconds(3600), NOW.minusSeconds(31)));

    assertRefused(verifier, token, Reason.EXPIRED);
  }

  @Test
  void expiredWithinSkewIsAccepted() {
    String token =
        new TokenSigner(keys).sign(claims(null, NOW.minusSeconds(3600), NOW.minusSeconds(29)));

    assertThat(verifier.verify(token).expiresAt()).isEqualTo(NOW.minusSeconds(29));
    assertRefused(new TokenVerifier(keys, Duration.ZERO, CLOCK), token, Reason.EXPIRED);
  }

  @Test
  void issuedInTheFuture() {
    TokenSigner signer = new TokenSigner(keys);

    assertThat(
            verifier.verify(signer.sign(claims(null, NOW.plusSeconds(29), NOW.plusSeconds(600)))))
        .isNotNull();
    assertRefused(
        verifier,
        signer.sign(claims(null, NOW.plusSeconds(31), NOW.plusSeconds(600))),
        Reason.NOT_YET_VALID);
  }

  @Test
  void notBefore() {
    String token =
        hand(
            hs256("k1"),
            "{\"sub\":\"a\",\"cpl\":\"c\",\"exp\":"
                + (sec(NOW) + 60)
                + ",\"nbf\":"
                + (sec(NOW) + 120)
                + "}",
            K1);

    assertRefused(verifier, token, Reason.NOT_YET_VALID);
  }

  @Test
  void tamperedPayload() {
    String token = new TokenSigner(keys).sign(claims(null, NOW, NOW.plusSeconds(60)));
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String forged = b64(payload.replace("couple-7", "couple-8"));

    assertRefused(verifier, parts[0] + "." + forged + "." + parts[2], Reason.BAD_SIGNATURE);
  }

  @Test
  void wrongSecret() {
    String token = hand(hs256("k1"), payload(NOW.plusSeconds(60)), K2);

    assertRefused(verifier, token, Reason.BAD_SIGNATURE);
  }

  @Test
  void onlyHs256() {
    String payload = payload(NOW.plusSeconds(60));
    String none = b64("{\"alg\":\"none\",\"kid\":\"k1\"}") + "." + b64(payload) + ".";

    assertRefused(verifier, none, Reason.UNSUPPORTED_ALGORITHM);
    assertRefused(verifier, none + "c2ln", Reason.UNSUPPORTED_ALGORITHM);
    assertRefused(
        verifier,
        hand("{\"alg\":\"HS512\",\"kid\":\"k1\"}", payload, K1, "HmacSHA512"),
        Reason.UNSUPPORTED_ALGORITHM);
    assertRefused(
        verifier,
        hand("{\"alg\":\"RS256\",\"kid\":\"k1\"}", payload, K1),
        Reason.UNSUPPORTED_ALGORITHM);
    assertRefused(
        verifier,
        hand("{\"alg\":\"hs256\",\"kid\":\"k1\"}", payload, K1),
        Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void missingClaims() {
    long exp = sec(NOW) + 60;

    assertRefused(
        verifier,
        hand(hs256("k1"), "{\"sub\":\"a\",\"exp\":" + exp + "}", K1),
        Reason.MISSING_CLAIM);
    assertRefused(
        verifier,
        hand(hs256("k1"), "{\"cpl\":\"c\",\"exp\":" + exp + "}", K1),
        Reason.MISSING_CLAIM);
    assertRefused(
        verifier,
        hand(hs256("k1"), "{\"sub\":\"a\",\"cpl\":\" \",\"exp\":" + exp + "}", K1),
        Reason.MISSING_CLAIM);
    assertRefused(
        verifier, hand(hs256("k1"), "{\"sub\":\"a\",\"cpl\":\"c\"}", K1), Reason.MISSING_CLAIM);
  }

  @Test
  void badClaimValues() {
    long exp = sec(NOW) + 60;
    String longId = "x".repeat(129);

    assertRefused(
        verifier,
        hand(hs256("k1"), "{\"sub\":\"a\",\"cpl\":7,\"exp\":" + exp + "}", K1),
        Reason.MALFORMED);
    assertRefused(
        verifier,
        hand(hs256("k1"), "{\"sub\":\"a\",\"cpl\":\"" + longId + "\",\"exp\":" + exp + "}", K1),
        Reason.MALFORMED);
    assertRefused(
        verifier,
        hand(hs256("k1"), "{\"sub\":\"a\",\"cpl\":\"c\",\"dev\":\"\",\"exp\":" + exp + "}", K1),
        Reason.MALFORMED);
    assertRefused(
        verifier,
        hand(hs256("k1"), "{\"sub\":\"a\",\"cpl\":\"c\",\"exp\":\"soon\"}", K1),
        Reason.MALFORMED);
    assertRefused(verifier, hand(hs256("k1"), "[1,2]", K1), Reason.MALFORMED);
  }

  @Test
  void idClaimsAreJsonStringsOfPrintableAscii() {
    long exp = sec(NOW) + 60;

    assertRefused(verifier, hand(hs256("k1"), "{\"sub\":42,\"cpl\":\"c\",\"exp\":" + exp + "}", K1), Reason.MALFORMED);
    assertRefused(verifier, hand(hs256("k1"), "{\"sub\":\"a\\u0000b\",\"cpl\":\"c\",\"exp\":" + exp + "}", K1), Reason.MALFORMED);
    assertRefused(verifier, hand(hs256("k1"), "{\"sub\":\"a\",\"cpl\":\"c\\nINFO forged\",\"exp\":" + exp + "}", K1), Reason.MALFORMED);
    assertRefused(verifier, hand(hs256("k1"), "{\"sub\":\"a b\",\"cpl\":\"c\",\"exp\":" + exp + "}", K1), Reason.MALFORMED);
    assertThat(verifier.verify(hand(hs256("k1"), "{\"sub\":\"user:7@x.io\",\"cpl\":\"c-1_2\",\"exp\":" + exp + "}", K1)).userId())
        .isEqualTo("user:7@x.io");
  }

  @Test
  void aTokenHasOneSpelling() {
    String token = new TokenSigner(keys).sign(claims(null, NOW, NOW.plusSeconds(60)));
    assertThat(verifier.verify(token).userId()).isEqualTo("alice");

    assertRefused(verifier, token + "=", Reason.MALFORMED);
    assertRefused(verifier, token + "==", Reason.MALFORMED);
    // A 32-byte signature is 43 characters; the last one carries 2 unused bits, which must be 0.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int dot = token.lastIndexOf('.') + 1;
    String signature = token.substring(dot);
    char last = signature.charAt(signature.length() - 1);
    String otherSpelling = signature.substring(0, signature.length() - 1) + alphabet.charAt(alphabet.indexOf(last) | 1);
    assertThat(Base64.getUrlDecoder().decode(otherSpelling)).isEqualTo(Base64.getUrlDecoder().decode(signature));
    assertRefused(verifier, token.substring(0, dot) + otherSpelling, Reason.MALFORMED);
  }

  @Test
  void aTokenNamingADeviceAllowsOnlyThatDevice() {
    VerifiedToken bound = verifier.verify(new TokenSigner(keys).sign(claims("phone", NOW, NOW.plusSeconds(60))));
    VerifiedToken any = verifier.verify(new TokenSigner(keys).sign(claims(null, NOW, NOW.plusSeconds(60))));

    assertThat(bound.allowsDevice("phone")).isTrue();
    assertThat(bound.allowsDevice("tablet")).isFalse();
    assertThat(any.allowsDevice("tablet")).isTrue();
  }

  @Test
  void kidIsRequired() {
    assertRefused(
        verifier,
        hand("{\"alg\":\"HS256\"}", payload(NOW.plusSeconds(60)), K1),
        Reason.UNKNOWN_KEY);
    assertRefused(
        verifier, hand(hs256("k3"), payload(NOW.plusSeconds(60)), K1), Reason.UNKNOWN_KEY);
  }

  @Test
  void garbage() {
    assertRefused(verifier, null, Reason.MALFORMED);
    assertRefused(verifier, "", Reason.MALFORMED);
    assertRefused(verifier, "hello", Reason.MALFORMED);
    assertRefused(verifier, "a.b.c", Reason.MALFORMED);
    assertRefused(verifier, "...", Reason.MALFORMED);
    assertRefused(verifier, b64("{\"alg\":\"HS256\",\"kid\":\"k1\"}") + ".", Reason.MALFORMED);
    assertRefused(
        verifier, b64("{\"alg\":\"HS256\",\"kid\":\"k1\"}") + ".e30.c2ln.c2ln", Reason.MALFORMED);
    assertRefused(verifier, b64("not json") + ".e30.c2ln", Reason.MALFORMED);
  }

  @Test
  void mangledTokensOnlyEverFailWithTokenException() {
    String token = new TokenSigner(keys).sign(claims("d", NOW, NOW.plusSeconds(60)));
    String alphabet = "ABCxyz019-_.=+/ {}\"\\\u00e9";
    Random random = new Random(7);
    for (int i = 0; i < 5000; i++) {
      StringBuilder mangled = new StringBuilder(token);
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        int at = random.nextInt(mangled.length());
        switch (random.nextInt(3)) {
          case 0 -> mangled.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> mangled.deleteCharAt(at);
          default -> mangled.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      try {
        verifier.verify(mangled.toString());
      } catch (TokenException expected) {
        assertThat(expected.reason()).isNotNull();
      }
    }
  }

  @Test
  void tooLongBeforeParsing() {
    assertRefused(verifier, "x".repeat(TokenVerifier.MAX_TOKEN_CHARS + 1), Reason.TOO_LONG);
  }

  @Test
  void refusalsAreCheap() {
    TokenException e = new TokenException(Reason.MALFORMED, "m");

    assertThat(e.getStackTrace()).isEmpty();
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void interoperatesWithAnyHs256Library() {
    long exp = sec(NOW) + 600;
    String token =
        hand(
            "{\"typ\":\"JWT\",\"alg\":\"HS256\",\"kid\":\"k1\"}",
            "{\"sub\":\"bob\",\"cpl\":\"c-42\",\"dev\":\"phone\",\"iat\":"
                + sec(NOW)
                + ",\"exp\":"
                + exp
                + ",\"extra\":[1]}",
            K1);

    assertThat(verifier.verify(token))
        .isEqualTo(new VerifiedToken("bob", "c-42", "phone", Instant.ofEpochSecond(exp), "k1"));
  }

  private static TokenClaims claims(String device, Instant iat, Instant exp) {
    return new TokenClaims("alice", "couple-7", device, iat, exp);
  }

  private static void assertRefused(TokenVerifier verifier, String token, Reason reason) {
    assertThatExceptionOfType(TokenException.class)
        .isThrownBy(() -> verifier.verify(token))
        .satisfies(e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private static String payload(Instant exp) {
    return "{\"sub\":\"a\",\"cpl\":\"c\",\"exp\":" + sec(exp) + "}";
  }

  private static String hs256(String kid) {
    return "{\"alg\":\"HS256\",\"kid\":\"" + kid + "\"}";
  }

  private static long sec(Instant t) {
    return t.getEpochSecond();
  }

  /** A JWT made with nothing but the JDK, as any other library would make it. */
  private static String hand(String header, String payload, byte[] secret) {
    return hand(header, payload, secret, "HmacSHA256");
  }

  private static String hand(String header, String payload, byte[] secret, String macAlg) {
    String signingInput = b64(header) + "." + b64(payload);
    try {
      Mac mac = Mac.getInstance(macAlg);
      mac.init(new SecretKeySpec(secret, macAlg));
      byte[] sig = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
