package io.presenter.runtime.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;

/**
 * Mints HS256 JWTs with the signing key of a {@link TokenKeys}, its kid in the header. Thread-safe.
 */
public final class TokenSigner {
  private final String kid;
  private final MACSigner signer;

  public TokenSigner(TokenKeys keys) {
    this.kid = keys.signingKid();
    try {
      this.signer = new MACSigner(keys.secrets().get(kid));
    } catch (JOSEException e) {
      // TokenKeys already refuses secrets shorter than HS256 needs.
      throw new IllegalArgumentException("signing key " + kid + " is unusable for HS256", e);
    }
  }

  /** The compact serialization {@code header.payload.signature}. */
  public String sign(TokenClaims claims) {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).type(JOSEObjectType.JWT).build();
    JWTClaimsSet.Builder body =
        new JWTClaimsSet.Builder()
            .subject(claims.userId())
            .claim(TokenClaims.COUPLE_CLAIM, claims.coupleId())
            .issueTime(Date.from(claims.issuedAt()))
            .expirationTime(Date.from(claims.expiresAt()));
    if (claims.deviceId() != null) {
      body.claim(TokenClaims.DEVICE_CLAIM, claims.deviceId());
    }
    SignedJWT jwt = new SignedJWT(header, body.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("HS256 signing failed", e);
    }
    return jwt.serialize();
  }

  @Override
  public String toString() {
    return "TokenSigner[kid=" + kid + "]";
  }
}
