package io.presenter.protocol.vectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The worked token example of PROTOCOL.md section 2, computed step by step with the JDK alone (no
 * JWT library), so that the server's verifier checking it is an independent test.
 */
final class TokenVector {
  static final String KID = "k1";
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}";
  static final long IAT = 1_767_225_600L;
  static final long EXP = IAT + 3600;
  static final String CLAIMS =
      "{\"sub\":\"alice\",\"cpl\":\"c42\",\"exp\":" + EXP + ",\"iat\":" + IAT + "}";
  private static final long CLOCK_SKEW_SECONDS = 30;

  private TokenVector() {}

  /** The compact token of the example. */
  static String token() {
    return signingInput() + "." + base64url(signature());
  }

  static ObjectNode generate() {
    ObjectNode t = ProtocolVectors.object();
    t.put(
        "keyFile",
        "{\"signingKid\":\"" + KID + "\",\"keys\":{\"" + KID + "\":\""
            + Base64.getEncoder().encodeToString(KEY) + "\"}}");
    t.put("kid", KID);
    t.put("keyHex", HexFormat.of().formatHex(KEY));
    t.put("headerJson", HEADER);
    t.put("claimsJson", CLAIMS);
    t.put("headerBase64url", base64url(HEADER.getBytes(StandardCharsets.UTF_8)));
    t.put("claimsBase64url", base64url(CLAIMS.getBytes(StandardCharsets.UTF_8)));
    t.put("signingInput", signingInput());
    t.put("signatureHex", HexFormat.of().formatHex(signature()));
    t.put("signatureBase64url", base64url(signature()));
    t.put("token", token());
    t.put("sub", "alice");
    t.put("cpl", "c42");
    t.put("verifyAt", IAT);
    // One second past the 30 s skew either reading of the boundary allows.
    t.put("expiredAt", EXP + CLOCK_SKEW_SECONDS + 1);
    return t;
  }

  private static String signingInput() {
    return base64url(HEADER.getBytes(StandardCharsets.UTF_8))
        + "."
        + base64url(CLAIMS.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] signature() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
      return mac.doFinal(signingInput().getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
